import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Cluster } from 'ioredis';
import { ReplicaWait } from '../src/redis/replicas.ts';
import { runFailover } from './helpers/failover.ts';
import { hasCommand, startRedisCluster, type RedisCluster } from './helpers/redis-servers.ts';

const skip = hasCommand('redis-server') && hasCommand('redis-cli') ? false : 'redis-server and redis-cli are needed to start a master, a replica and Sentinels (apt-get install redis-server redis-tools)';

describe('a Redis Cluster failover while herald announces', { skip, timeout: 150_000 }, () => {
  let cluster: RedisCluster;
  before(async () => {
    cluster = await startRedisCluster({ replicas: 1, nodeTimeoutMs: 1000 });
  });
  after(async () => {
    await cluster?.stop();
  });

  it('confirms a write on the replica of the node that serves the key, over the connection that wrote it', async () => {
    const client = new Cluster(cluster.nodes);
    try {
      await client.set('{wait-probe}:claim', 'x');
      assert.deepEqual(await new ReplicaWait(client, { waitMs: 2000 }).confirm('{wait-probe}:claim'), { ok: true, wanted: 1, acked: 1 });
    } finally {
      client.disconnect();
    }
  });

  it('posts every incident exactly once, its resolution threaded under it, when the master of herald\'s slot is SIGKILLed mid-batch', async () => {
    const prefix = `{failover-cluster-${process.pid}}`;
    const result = await runFailover({
      env: { REDIS_CLUSTER_NODES: cluster.spec, HERALD_REDIS_PREFIX: prefix },
      incidents: 20,
      killAfterPosts: 7,
      killDelayMs: Number(process.env.KILL_DELAY_MS ?? 100),
      kill: () => cluster.killMasterOf(prefix),
      promoted: () => cluster.promoted(prefix),
    });
    const { verdict } = result;
    console.log(`cluster failover: kill → promotion ${result.killToPromotionMs} ms, kill → next post ${result.killToNextPostMs} ms, promotion → last post ${result.promotionToSettledMs} ms, ${result.refusedWebhooks} webhooks refused meanwhile; ${verdict.roots} roots, ${verdict.replies} replies`);
    assert.deepEqual(verdict.problems, []);
    assert.equal(verdict.duplicates + verdict.losses + verdict.misthreaded + verdict.recordMismatches, 0);
  });
});
