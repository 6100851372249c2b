import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RedisUnavailableError } from '../errors.ts';

const HOW_TO_GET_REDIS =
  'Install Redis (Debian/Ubuntu: `apt-get install redis-server`; macOS: `brew install redis`) or run `docker compose up -d redis`, then set REDIS_URL if it is not redis://127.0.0.1:6379.';

export { RedisUnavailableError };

/** True when a Redis at `url` answers PING within a moment; never throws. */
export async function redisAnswers(url: string): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1500 });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

const isLocal = (host: string) => ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host);

/**
 * Makes sure Redis answers at `url`. For a newcomer on a laptop, a local URL with nothing behind
 * it starts a private redis-server (append-only, data under `dataDir/redis`) that stops with herald.
 */
export async function ensureRedis(url: string, dataDir: string, logger: Logger): Promise<{ stop(): Promise<void> }> {
  const none = { stop: async () => undefined };
  if (await redisAnswers(url)) return none;
  const parsed = new URL(url);
  const hasServer = spawnSync('redis-server', ['--version']).status === 0;
  if (!isLocal(parsed.hostname) || !hasServer) {
    throw new RedisUnavailableError(`Nothing answers at REDIS_URL=${url}. ${HOW_TO_GET_REDIS}`);
  }
  const dir = resolve(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const port = parsed.port || '6379';
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', port, '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--maxmemory-policy', 'noeviction', '--save', ''],
    { stdio: 'ignore' },
  );
  logger.warn({ port, dir }, 'nothing answered at REDIS_URL, so herald started its own redis-server; it stops when herald stops');
  for (let i = 0; i < 50; i++) {
    if (await redisAnswers(url)) {
      return {
        stop: async () => {
          if (child.exitCode !== null) return;
          const exited = new Promise((done) => child.once('exit', done));
          child.kill('SIGTERM');
          await exited;
        },
      };
    }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new RedisUnavailableError(`herald tried to start redis-server on port ${port} but it did not answer. ${HOW_TO_GET_REDIS}`);
}
