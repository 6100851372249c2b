import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connectedReplicas } from '../src/ops/replicas.ts';
import { event, sleep, startTestHerald, type TestHerald } from './helpers/herald.ts';
import { hasCommand, startRedisServer, startReplicaOf, type RedisServer } from './helpers/redis-servers.ts';

const skip = hasCommand('redis-server') && hasCommand('redis-cli') ? false : 'redis-server and redis-cli are needed to start a master and its replica (apt-get install redis-server redis-tools)';

describe('a claim is on a replica before X is called', { skip }, () => {
  let master: RedisServer;
  let replica: RedisServer;
  let t: TestHerald;
  before(async () => {
    master = await startRedisServer();
    replica = await startReplicaOf(master.port);
    t = await startTestHerald({ REDIS_URL: master.url, HERALD_REDIS_WAIT_MS: '200' });
  });
  after(async () => {
    replica?.resume();
    await t?.close();
    await replica?.stop();
    await master?.stop();
  });

  it('does not call X while the replica cannot confirm the claim, and posts once it can', async () => {
    replica.pause();
    const e = event();
    await t.send(e);
    // Long enough for several claims and WAITs to time out.
    await t.waitFor(async () => (await t.get(`/api/incidents/${e.key}`)).status === 200, 'the incident');
    await sleep(2500);
    assert.equal(t.fakeX.posts.length, 0, 'X was called on a claim no replica held');
    replica.resume();
    const [open] = await t.fakeX.waitForPosts(1, 15_000);
    await t.send({ ...e, status: 'resolved' });
    const posts = await t.fakeX.waitForPosts(2, 15_000);
    assert.equal(posts[1]!.inReplyTo, open!.id);
    await sleep(500);
    assert.equal(t.fakeX.posts.length, 2);
  });
});

describe('how many replicas herald waits for by default', () => {
  it('reads the replicas attached from INFO replication', () => {
    assert.equal(connectedReplicas('# Replication\r\nrole:master\r\nconnected_slaves:2\r\nslave0:ip=127.0.0.1'), 2);
    assert.equal(connectedReplicas('# Replication\r\nrole:master\r\nconnected_slaves:0\r\n'), 0);
  });
});
