import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { spawnHerald, type HeraldProcess } from './helpers/herald-process.ts';
import { startRedisServer, type RedisServer } from './helpers/redis-servers.ts';

const SHUTDOWN_SECONDS = 3;

describe('SIGTERM while Redis is gone', () => {
  let redis: RedisServer;
  let herald: HeraldProcess;
  before(async () => {
    redis = await startRedisServer();
    herald = spawnHerald('all', { PORT: '0', REDIS_URL: redis.url, WEBHOOK_TOKEN: 'shutdown-token', HERALD_SHUTDOWN_SECONDS: String(SHUTDOWN_SECONDS), HERALD_DATA_DIR: redis.dir, LOG_LEVEL: 'info' });
    await herald.waitForLine((l) => l.msg === 'herald is running', 60_000);
  });
  after(async () => {
    herald.kill('SIGKILL');
    await redis.stop();
  });

  it(`exits within HERALD_SHUTDOWN_SECONDS (${SHUTDOWN_SECONDS} s here), and says it did not stop cleanly`, async (t) => {
    await redis.stop();
    await herald.waitForLine((l) => l.msg === 'redis connection problem');
    const started = Date.now();
    herald.kill('SIGTERM');
    const { code } = await herald.exited;
    const seconds = (Date.now() - started) / 1000;
    // The limit, plus room for a loaded machine to schedule the timer and exit.
    t.diagnostic(`exited ${seconds} s after SIGTERM`);
    assert.ok(seconds < SHUTDOWN_SECONDS + 3, `took ${seconds} s`);
    assert.equal(code, 1);
    assert.ok(herald.lines.some((l) => typeof l.msg === 'string' && l.msg.startsWith(`did not stop within ${SHUTDOWN_SECONDS} s`)));
  });
});
