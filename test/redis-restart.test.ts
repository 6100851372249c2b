import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { event, startTestHerald, type TestHerald } from './helpers/herald.ts';
import { startRedisServer, type RedisServer } from './helpers/redis-servers.ts';

describe('a Redis that crashes and restarts from its append-only file', () => {
  let redis: RedisServer;
  let t: TestHerald;
  before(async () => {
    redis = await startRedisServer(['--appendonly', 'yes', '--appendfsync', 'always']);
    t = await startTestHerald({ REDIS_URL: redis.url });
  });
  after(async () => {
    await t.close();
    await redis.stop();
  });

  it('keeps the same workers posting, and threads a resolution planned before the crash', async () => {
    const e = event();
    await t.send(e);
    await t.fakeX.waitForPosts(1);
    await redis.crashAndRestart();

    // The webhook path answers 503 until its connection is back; a sender retries.
    await t.waitFor(async () => (await t.send({ ...e, status: 'resolved' })).status === 202, 'the webhook to accept again');
    const posts = await t.fakeX.waitForPosts(2, 20_000);
    assert.equal(posts[1]!.inReplyTo, posts[0]!.id);
    await t.send(event({ service: 'After Restart' }));
    await t.fakeX.waitForPosts(3, 20_000);
  });
});
