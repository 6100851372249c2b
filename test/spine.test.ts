import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { heraldVersion } from '../src/version.ts';
import { event, settled, sleep, startTestHerald, type TestHerald } from './helpers/herald.ts';

describe('an outage webhook becomes a tweet and its resolution a threaded reply', () => {
  let t: TestHerald;
  before(async () => {
    t = await startTestHerald();
  });
  after(async () => t.close());
  // Each case starts with quiet queues and an empty fake X, so no post leaks into the next one.
  beforeEach(async () => {
    await settled(t);
    t.fakeX.reset();
  });

  it('announces an open incident with one tweet that names the service', async () => {
    const e = event();
    const res = await t.send(e);
    assert.equal(res.status, 202);
    assert.deepEqual(res.body, { incident: e.key, status: 'open' });
    const [tweet] = await t.fakeX.waitForPosts(1);
    assert.match(tweet!.text, /KakaoTalk/);
    assert.equal(tweet!.inReplyTo, undefined);
  });

  it('threads the resolution as a reply under the open tweet', async () => {
    const e = event();
    await t.send(e);
    const [open] = await t.fakeX.waitForPosts(1);
    await t.send({ ...e, status: 'resolved', at: '2026-05-20T01:12:00+09:00' });
    const posts = await t.fakeX.waitForPosts(2);
    assert.equal(posts[1]!.inReplyTo, open!.id);
    assert.match(posts[1]!.text, /KakaoTalk/);

    const api = await t.waitFor(async () => {
      const r = await t.get(`/api/incidents/${e.key}`);
      return r.body?.tweets?.length === 2 ? r : undefined;
    }, 'both tweets to be recorded');
    assert.equal(api.body.state, 'resolved');
    assert.deepEqual(
      api.body.tweets.map((tw: any) => [tw.kind, tw.id, tw.inReplyTo]),
      [
        ['open', open!.id, null],
        ['resolved', posts[1]!.id, open!.id],
      ],
    );
  });

  it('posts once when the same event is delivered twice', async () => {
    const e = event();
    assert.equal((await t.send(e)).status, 202);
    assert.equal((await t.send(e)).status, 202);
    await t.fakeX.waitForPosts(1);
    await settled(t);
    assert.equal(t.fakeX.posts.length, 1);
  });

  it('posts nothing new for an open on an incident that is already open', async () => {
    const e = event();
    await t.send(e);
    await t.fakeX.waitForPosts(1);
    await t.send({ ...e, at: '2026-05-20T00:03:00+09:00', severity: 'minor' });
    await settled(t);
    assert.equal(t.fakeX.posts.length, 1);
    const api = await t.get(`/api/incidents/${e.key}`);
    assert.equal(api.body.events, 2);
  });

  it('accepts and records a resolve for an incident it has never seen, without tweeting', async () => {
    const e = event({ status: 'resolved' });
    const res = await t.send(e);
    assert.equal(res.status, 202);
    await settled(t);
    const api = await t.waitFor(async () => {
      const r = await t.get(`/api/incidents/${e.key}`);
      return r.status === 200 ? r : undefined;
    }, 'the incident to be recorded');
    assert.equal(api.body.state, 'resolved');
    assert.equal(t.fakeX.posts.length, 0);
  });

  it('still threads a resolve that arrives while the open tweet is being retried', async () => {
    const e = event();
    t.fakeX.failNext('500');
    await t.send(e);
    await t.send({ ...e, status: 'resolved', at: '2026-05-20T00:40:00+09:00' });
    const posts = await t.fakeX.waitForPosts(2);
    assert.equal(posts[0]!.inReplyTo, undefined);
    assert.equal(posts[1]!.inReplyTo, posts[0]!.id);
    await settled(t);
    assert.equal(t.fakeX.posts.length, 2);
  });

  it('still threads a resolve that arrives while X is slow to answer the open tweet', async () => {
    const e = event();
    t.fakeX.failNext('delay:400');
    await t.send(e);
    await t.fakeX.waitForPosts(1);
    await t.send({ ...e, status: 'resolved' });
    const posts = await t.fakeX.waitForPosts(2);
    assert.equal(posts[1]!.inReplyTo, posts[0]!.id);
  });

  it('answers /healthz, naming its version, and /readyz while Redis is up', async () => {
    const health = await t.get('/healthz');
    assert.equal(health.status, 200);
    assert.deepEqual(health.body, { status: 'ok', mode: 'x', version: heraldVersion });
    assert.equal((await t.get('/readyz')).status, 200);
  });
});

describe('an incident resolved within the grace period', () => {
  let t: TestHerald;
  before(async () => {
    t = await startTestHerald({ HERALD_GRACE_SECONDS: '1' });
  });
  after(async () => t.close());

  it('posts nothing at all', async () => {
    const e = event();
    await t.send(e);
    await sleep(100);
    await t.send({ ...e, status: 'resolved' });
    await sleep(1500);
    await settled(t);
    assert.equal(t.fakeX.posts.length, 0);
    const api = await t.get(`/api/incidents/${e.key}`);
    assert.equal(api.body.state, 'resolved');
    assert.deepEqual(api.body.tweets, []);
  });

  it('announces an incident that outlasts the grace period', async () => {
    const e = event();
    await t.send(e);
    await sleep(300);
    assert.equal(t.fakeX.posts.length, 0, 'nothing is posted before the grace period ends');
    await t.fakeX.waitForPosts(1, 5000);
  });
});
