import assert from 'node:assert/strict';
import { afterEach, describe, it, test } from 'node:test';
import { attachThread } from '../src/incidents/attach-thread.ts';
import type { Incident } from '../src/incidents/model.ts';
import { event, startTestHerald, type TestHerald } from './helpers/herald.ts';

const at = '2026-11-27T12:00:00.000Z';
const base: Incident = { key: 'k', service: 'KakaoTalk', feature: 'messaging', severity: 'major', state: 'open', openedAt: at, firstSeenAt: at, events: 1, posts: [] };

describe('attaching an incident to its live root (pure)', () => {
  test('refuses a second root: an incident already threaded under another tweet is a 409', () => {
    const threaded: Incident = { ...base, posts: [{ id: 'open-1', kind: 'open', status: 'posted', tweetId: '111', dueAt: at, attempts: 1 }] };
    const result = attachThread(threaded, { key: 'k', account: 'x', tweetId: '222', actor: 'api-token', at });
    assert.equal(result.ok, false);
  });

  test("attaches one account's thread only, whatever another account's thread hangs from", () => {
    const ja = { account: 'ja', dueAt: at, attempts: 0 } as const;
    const incident: Incident = { ...base, posts: [
      { id: 'open-1', kind: 'open', status: 'posted', tweetId: '111', dueAt: at, attempts: 1 },
      { ...ja, id: 'ja.open-1', kind: 'open', status: 'scheduled' },
    ] };
    const result = attachThread(incident, { key: 'k', account: 'ja', tweetId: '222', actor: 'api-token', at });
    assert.ok(result.ok, 'the default account\'s root is not the ja account\'s');
    assert.deepEqual(result.incident.posts.map((p) => [p.id, p.status, p.tweetId]), [['open-1', 'posted', '111'], ['ja.open-1', 'posted', '222']]);
    assert.equal(attachThread(result.incident, { key: 'k', account: 'ja', tweetId: '333', actor: 'api-token', at }).ok, false, 'a second root on ja is a 409');
  });

  test('plans the resolution of an incident that resolved while herald had no thread for it', () => {
    const result = attachThread({ ...base, state: 'resolved', resolvedAt: at }, { key: 'k', account: 'x', tweetId: '111', actor: 'api-token', at });
    assert.ok(result.ok);
    assert.deepEqual(result.incident.posts.map((p) => [p.kind, p.status, p.tweetId]), [['open', 'posted', '111'], ['resolved', 'scheduled', undefined]]);
    assert.deepEqual(result.scheduled.map((p) => p.kind), ['resolved']);
  });
});

describe('POST /api/incidents/:key/thread', () => {
  let t: TestHerald;
  afterEach(async () => t.close());

  it('answers 400 naming tweetId when it is not a tweet id, and changes nothing', async () => {
    t = await startTestHerald();
    const res = await t.send({ tweetId: 'not-an-id' }, { path: '/api/incidents/some-key/thread' });
    assert.equal(res.status, 400);
    assert.match(res.body.error, /tweetId/);
    assert.equal((await t.get('/api/incidents/some-key')).status, 404);
  });

  it('threads the resolution of an incident herald heard only resolve under the attached tweet', async () => {
    t = await startTestHerald();
    await t.send(event({ service: 'Some Root' }));
    const [root] = await t.fakeX.waitForPosts(1);
    const e = event();
    await t.send({ ...e, status: 'resolved' });
    await t.waitFor(async () => (await t.get(`/api/incidents/${e.key}`)).status === 200, 'the resolved incident');
    assert.equal((await t.send({ tweetId: root!.id }, { path: `/api/incidents/${e.key}/thread` })).status, 200);

    const posts = await t.fakeX.waitForPosts(2, 15_000);
    assert.equal(posts[1]!.inReplyTo, root!.id);
  });
});
