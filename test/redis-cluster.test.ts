import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Cluster } from 'ioredis';
import { ConfigError, loadConfig } from '../src/config.ts';
import { event, startTestHerald, type TestHerald } from './helpers/herald.ts';
import { hasCommand, startRedisCluster, type RedisCluster } from './helpers/redis-servers.ts';

const missing = ['redis-server', 'redis-cli'].filter((c) => !hasCommand(c));
const skip = missing.length > 0 ? `${missing.join(' and ')} not installed, so the Redis Cluster tests cannot start a cluster (apt-get install redis-server redis-tools)` : false;

describe('herald on a three-master Redis Cluster', { skip }, () => {
  let cluster: RedisCluster;
  let t: TestHerald;
  let client: Cluster;
  const prefix = `{herald-test-${randomUUID().slice(0, 8)}}`;
  before(async () => {
    cluster = await startRedisCluster();
    t = await startTestHerald({ REDIS_CLUSTER_NODES: cluster.spec, HERALD_REDIS_PREFIX: prefix });
    client = new Cluster(cluster.nodes);
  });
  after(async () => {
    client?.disconnect();
    await t?.close();
    await cluster?.stop();
  });

  it('announces an outage and threads its resolution', async () => {
    const e = event();
    await t.send(e);
    const [open] = await t.fakeX.waitForPosts(1);
    await t.send({ ...e, status: 'resolved' });
    const posts = await t.fakeX.waitForPosts(2);
    assert.equal(posts[1]!.inReplyTo, open!.id);
    const api = await t.waitFor(async () => {
      const r = await t.get(`/api/incidents/${e.key}`);
      return r.body?.tweets?.length === 2 ? r.body : undefined;
    }, 'both tweets recorded');
    assert.equal(api.state, 'resolved');
  });

  it('keeps every key of herald and BullMQ in the one slot of its hash-tagged prefix', async () => {
    const keys: string[] = [];
    for (const node of client.nodes('master')) keys.push(...(await node.keys(`${prefix}*`)));
    assert.ok(keys.some((k) => k.startsWith(`${prefix}:incident:`)) && keys.some((k) => k.startsWith(`${prefix}:posts:`)), keys.join(', '));
    const slots = new Set(await Promise.all(keys.map((k) => client.cluster('KEYSLOT', k))));
    assert.equal(slots.size, 1);
  });

  it('runs the budget script there too', async () => {
    const res = await t.get('/api/budget');
    assert.equal(res.status, 200);
    assert.equal(res.body.posts.windows[0].used, 2);
  });
});

describe('configuration for Redis Cluster', () => {
  it('refuses a prefix without a hash tag, naming the fix', () => {
    assert.throws(
      () => loadConfig({ REDIS_CLUSTER_NODES: '127.0.0.1:7000,127.0.0.1:7001', HERALD_REDIS_PREFIX: 'herald' }),
      (err: unknown) => err instanceof ConfigError && /HERALD_REDIS_PREFIX.*hash tag such as \{herald\}/.test(err.message),
    );
  });

  it('refuses a node list that is not host:port', () => {
    assert.throws(() => loadConfig({ REDIS_CLUSTER_NODES: 'redis-a,redis-b', HERALD_REDIS_PREFIX: '{herald}' }), /REDIS_CLUSTER_NODES: a comma-separated list of host:port/);
  });
});
