import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { after, afterEach, before, describe, it } from 'node:test';
import { event, sleep, startTestHerald, type TestHerald } from './helpers/herald.ts';
import { startRedisServer, type RedisServer } from './helpers/redis-servers.ts';

/**
 * Redis forgetting everything while herald runs (FLUSHDB on this test's own redis-server, never
 * the shared one): herald must notice, hold every post, and never post a second root.
 */
let server: RedisServer;
let admin: Redis;
before(async () => {
  server = await startRedisServer(['--appendonly', 'no']);
  admin = new Redis(server.url);
});
after(async () => {
  admin.disconnect();
  await server.stop();
});

const health = async (t: TestHerald) => t.get('/healthz/x', { authorization: '' });
const incident = async (t: TestHerald, key: string) => (await t.get(`/api/incidents/${key}`)).body;

async function lost(t: TestHerald): Promise<number> {
  const from = Date.now();
  await t.waitFor(async () => (await health(t)).body.status === 'redis-data-lost', '/healthz/x to say redis-data-lost', 20_000);
  return (Date.now() - from) / 1000;
}

describe('a Redis that forgot', () => {
  let t: TestHerald;
  afterEach(async () => t.close());

  it('is noticed within 15 s: /healthz/x and /readyz answer 503 and list the incidents herald knew', async () => {
    t = await startTestHerald({ REDIS_URL: server.url });
    const e = event();
    await t.send(e);
    const [root] = await t.fakeX.waitForPosts(1);
    await sleep(6000); // one check after the post, so the watch knows the incident and its tweet

    await admin.flushdb();
    assert.ok((await lost(t)) < 15);
    const h = await health(t);
    assert.equal(h.status, 503);
    assert.deepEqual(h.body.lost, [{ key: e.key, rootTweetId: root!.id }]);
    const ready = await t.get('/readyz');
    assert.equal(ready.status, 503);
    assert.equal(ready.body.redis, 'redis-data-lost');
  });

  it('holds every post, never posts a second root, and threads under the tweet a person attaches once resumed', async () => {
    t = await startTestHerald({ REDIS_URL: server.url, HERALD_REDIS_EPOCH_CHECK_SECONDS: '0.5' });
    const e = event();
    await t.send(e);
    const [root] = await t.fakeX.waitForPosts(1);
    await admin.flushdb();
    await lost(t);

    assert.equal((await t.send({ ...e, status: 'update' })).status, 202, 'events are still accepted');
    assert.equal((await t.send(event({ service: 'Another One' }))).status, 202);
    await t.waitFor(async () => (await incident(t, e.key))?.posts?.[0]?.status === 'draft', 'the unseen open to wait for a person');
    const attached = await t.send({ tweetId: root!.id }, { path: `/api/incidents/${e.key}/thread` });
    assert.equal(attached.status, 200);
    await t.send({ ...e, status: 'resolved' });
    await sleep(1500);
    assert.equal(t.fakeX.posts.length, 1, 'nothing posted while held');

    const resumed = await t.send({}, { path: '/api/x/resume' });
    assert.equal(resumed.body.resumed, true);
    const posts = await t.fakeX.waitForPosts(3, 15_000);
    const resolution = posts.find((p) => p.inReplyTo === root!.id);
    assert.ok(resolution, 'the resolution threads under the live root');
    assert.equal(posts.filter((p) => p.inReplyTo === undefined && p.text.includes('KakaoTalk')).length, 1, 'one root for the outage');
    assert.equal((await health(t)).body.status, 'posting');
  });

  it('takes an empty Redis at start for a first start and posts', async () => {
    await admin.flushdb();
    t = await startTestHerald({ REDIS_URL: server.url });
    assert.equal((await health(t)).body.status, 'posting');
    assert.ok(await admin.exists(`${t.config.redisPrefix}:epoch`));
  });
});

describe('an update or resolved for an incident herald does not know', () => {
  let t: TestHerald;
  afterEach(async () => t.close());

  it('plans no root by itself: the announcement waits for a person and never goes out on a timeout', async () => {
    t = await startTestHerald();
    const e = event();
    await t.send({ ...e, status: 'update' });
    await t.waitFor(async () => (await incident(t, e.key))?.posts?.[0]?.status === 'draft', 'the announcement to wait for a person');
    await t.send({ ...event(), status: 'resolved' });
    await sleep(1000);
    assert.equal(t.fakeX.posts.length, 0);
  });
});
