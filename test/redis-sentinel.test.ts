import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { event, startTestHerald, type TestHerald } from './helpers/herald.ts';
import { hasCommand, startRedisServer, startSentinel, type RedisServer, type Sentinel } from './helpers/redis-servers.ts';

const skip = hasCommand('redis-server') ? false : 'redis-server is not installed, so no Sentinel can be started';

describe('herald finding its Redis through Sentinel', { skip }, () => {
  let master: RedisServer;
  let sentinel: Sentinel;
  let t: TestHerald;
  before(async () => {
    master = await startRedisServer();
    sentinel = await startSentinel(master.port, 'herald-master');
    // REDIS_URL points nowhere useful: the Sentinel says where the master is.
    t = await startTestHerald({ REDIS_URL: 'redis://127.0.0.1:1', REDIS_SENTINELS: `127.0.0.1:${sentinel.port}`, REDIS_SENTINEL_NAME: 'herald-master' });
  });
  after(async () => {
    await t?.close();
    await sentinel?.stop();
    await master?.stop();
  });

  it('announces an outage and threads its resolution', async () => {
    const e = event();
    await t.send(e);
    await t.fakeX.waitForPosts(1);
    await t.send({ ...e, status: 'resolved' });
    const posts = await t.fakeX.waitForPosts(2);
    assert.equal(posts[1]!.inReplyTo, posts[0]!.id);
  });
});
