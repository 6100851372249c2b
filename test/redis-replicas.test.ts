import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { checkRedisSetup, masterFacts, redisSetupWarnings } from '../src/redis/checks.ts';
import { connectedReplicas } from '../src/redis/replicas.ts';
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

  it('neither answers 202 nor calls X until the replica confirms, then posts once', async () => {
    replica.pause();
    const e = event();
    const refused = await t.send(e);
    assert.equal(refused.status, 503);
    assert.equal(refused.body.code, 'HERALD_NOT_REPLICATED');
    // The master holds the event all the same: it is applied, and its post claimed, but not sent.
    await t.waitFor(async () => (await t.get(`/api/incidents/${e.key}`)).status === 200, 'the incident');
    // Long enough for several claims and WAITs to time out.
    await sleep(2500);
    assert.equal(t.fakeX.posts.length, 0, 'X was called on a claim no replica held');
    replica.resume();
    // The sender tries again, as monitoring does after a 5xx: the same event, now confirmed.
    await t.waitFor(async () => (await t.send(e)).status === 202, 'the repeated webhook to be accepted');
    const [open] = await t.fakeX.waitForPosts(1, 15_000);
    assert.equal((await t.get(`/api/incidents/${e.key}`)).body.events, 1, 'the repeat of an event the master held was applied again');
    assert.equal((await t.send({ ...e, status: 'resolved' })).status, 202);
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

describe('what herald checks of its Redis at start', () => {
  const safe = masterFacts('10.0.0.1:6379', 'aof_enabled:1\r\nmaxmemory_policy:noeviction\r\nconnected_slaves:1\r\n');
  const sentinel = { url: 'redis://x', sentinels: [{ host: 'a', port: 26379 }], sentinelName: 'm' };

  it('says nothing about a master with an append-only file, noeviction and a replica', () => {
    assert.deepEqual(redisSetupWarnings(safe, sentinel, { waitMs: 500 }), []);
  });

  it('warns about each unsafe setting of a master behind Sentinel, naming what to set', () => {
    const warnings = redisSetupWarnings({ ...safe, aofEnabled: false, evictionPolicy: 'allkeys-lru', replicas: 0 }, sentinel, { waitMs: 500 });
    assert.equal(warnings.length, 3);
    assert.match(warnings[0]!, /appendonly yes/);
    assert.match(warnings[1]!, /maxmemory-policy noeviction/);
    assert.match(warnings[2]!, /no replica attached/);
  });

  it('does not ask a single server without failover for replicas', () => {
    assert.deepEqual(redisSetupWarnings({ ...safe, replicas: 0 }, { url: 'redis://x' }, { waitMs: 500 }), []);
  });

  it('warns when fewer replicas are attached than HERALD_REDIS_MIN_REPLICAS asks for', () => {
    assert.match(redisSetupWarnings(safe, { url: 'redis://x' }, { minReplicas: 2, waitMs: 500 }).join(), /HERALD_REDIS_MIN_REPLICAS is 2/);
  });

  it('reads a real server: one without an append-only file is named', { skip }, async () => {
    const server = await startRedisServer(['--appendonly', 'no', '--maxmemory-policy', 'noeviction']);
    const redis = new Redis(server.url);
    try {
      const warnings = await checkRedisSetup(redis, { url: server.url }, { waitMs: 500 }, pino({ level: 'silent' }));
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, new RegExp(`127.0.0.1:${server.port} keeps no append-only file`));
    } finally {
      redis.disconnect();
      await server.stop();
    }
  });
});
