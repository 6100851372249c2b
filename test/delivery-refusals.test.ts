import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { incidentComposer } from '../src/compose/for-incident.ts';
import type { Incident } from '../src/incidents/model.ts';
import { event, settled, startTestHerald, type TestHerald } from './helpers/herald.ts';

async function delivered(t: TestHerald, key: string, tweets: number) {
  return t.waitFor(async () => {
    const r = await t.get(`/api/incidents/${key}`);
    return r.body?.tweets?.length === tweets ? r.body : undefined;
  }, `${tweets} tweet(s) recorded for ${key}`);
}

describe('X refusing a post for what it says or where it goes', () => {
  let t: TestHerald;
  before(async () => {
    t = await startTestHerald({ HERALD_LOCALE: 'en', HERALD_TIMEZONE: 'UTC' });
  });
  after(async () => t.close());
  beforeEach(async () => {
    await settled(t);
    t.fakeX.reset();
  });

  it('gives the second of two incidents whose first wording collides the next variant', async () => {
    // Two keys whose first variant is the same text for the same outage minute.
    const compose = incidentComposer(t.config);
    const firstText = (key: string) => {
      const incident: Incident = { key, service: 'KakaoTalk', feature: 'login', severity: 'major', state: 'open', openedAt: '2026-05-20T07:54:00Z', firstSeenAt: '2026-05-20T07:54:00Z', events: 1, posts: [] };
      return compose(incident, { id: 'open-1', kind: 'open', status: 'scheduled', dueAt: incident.openedAt, attempts: 0 }).text;
    };
    const a = `login-${Date.now()}`;
    let b = '';
    for (let i = 0; !b; i++) if (firstText(`${a}-${i}`) === firstText(a)) b = `${a}-${i}`;

    const e = { feature: 'login', at: '2026-05-20T07:54:00Z' };
    await t.send(event({ ...e, key: a }));
    await delivered(t, a, 1);
    await t.send(event({ ...e, key: b }));
    const second = await delivered(t, b, 1);

    assert.notEqual(second.tweets[0].text, firstText(a));
    assert.equal(t.fakeX.posts.length, 2);
    assert.equal(t.fakeX.requests.byStatus['POST /2/tweets 403'], 1);
  });

  it('posts a resolution X will not thread as a new tweet that names the first one', async () => {
    const e = event();
    await t.send(e);
    const [open] = await t.fakeX.waitForPosts(1);
    t.fakeX.failNext('reply-refused');
    await t.send({ ...e, status: 'resolved' });
    const incident = await delivered(t, e.key, 2);

    const resolution = t.fakeX.posts[1]!;
    assert.equal(resolution.inReplyTo, undefined);
    const firstAt = new Date(open!.at);
    const clock = `${firstAt.getUTCHours() % 12 || 12}:${String(firstAt.getUTCMinutes()).padStart(2, '0')}`;
    assert.ok(resolution.text.includes(`${clock} `), `"${resolution.text}" names ${clock}`);
    assert.deepEqual(incident.tweets.map((tw: { kind: string }) => tw.kind), ['open', 'resolved']);
  });

  it('posts a resolution whose first tweet was deleted as a new tweet after a few tries', async () => {
    const e = event();
    await t.send(e);
    const [open] = await t.fakeX.waitForPosts(1);
    await delivered(t, e.key, 1);
    t.fakeX.deletePost(open!.id);
    await t.send({ ...e, status: 'resolved' });
    await delivered(t, e.key, 2);

    assert.equal(t.fakeX.posts.length, 1);
    assert.equal(t.fakeX.posts[0]!.inReplyTo, undefined);
    assert.equal(t.fakeX.requests.byStatus['POST /2/tweets 403'], 3, 'three replies were refused before it went out on its own');
  });
});
