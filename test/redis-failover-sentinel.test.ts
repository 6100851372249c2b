import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runFailover } from './helpers/failover.ts';
import { hasCommand, startReplicatedRedis, type ReplicatedRedis } from './helpers/redis-servers.ts';

const skip = hasCommand('redis-server') && hasCommand('redis-cli') ? false : 'redis-server and redis-cli are needed to start a master, a replica and Sentinels (apt-get install redis-server redis-tools)';

describe('a Sentinel failover while herald announces', { skip, timeout: 150_000 }, () => {
  let redis: ReplicatedRedis;
  before(async () => {
    redis = await startReplicatedRedis({ replicationLagMs: 300 });
  });
  after(async () => {
    await redis?.stop();
  });

  it('posts every incident exactly once, its resolution threaded under it, when the master is SIGKILLed mid-batch', async () => {
    const result = await runFailover({
      env: { REDIS_URL: 'redis://127.0.0.1:1', REDIS_SENTINELS: redis.sentinelSpec, REDIS_SENTINEL_NAME: redis.name },
      incidents: 20,
      killAfterPosts: 7,
      killDelayMs: Number(process.env.KILL_DELAY_MS ?? 100),
      kill: () => redis.killMaster(),
      promoted: () => redis.promoted(),
    });
    const { verdict } = result;
    console.log(`sentinel failover: kill → promotion ${result.killToPromotionMs} ms, kill → next post ${result.killToNextPostMs} ms, promotion → last post ${result.promotionToSettledMs} ms, ${result.refusedWebhooks} webhooks refused meanwhile, /readyz ${result.readiness.join(' → ')}; ${verdict.roots} roots, ${verdict.replies} replies`);
    assert.deepEqual(verdict.problems, []);
    assert.equal(verdict.duplicates + verdict.losses + verdict.misthreaded + verdict.recordMismatches, 0);
    // While no master answered, herald said so; afterwards it was ready again without a restart.
    assert.ok(result.readiness.includes(503), `/readyz never said not ready: ${result.readiness.join(' → ')}`);
    assert.equal(result.readiness.at(-1), 200);
  });
});
