import type { FastifyInstance } from 'fastify';
import { heraldVersion } from '../version.ts';
import type { RedisClient } from '../redis/connect.ts';

const PING_TIMEOUT_MS = 1000;

async function redisAnswers(redis: RedisClient): Promise<boolean> {
  const timeout = new Promise<false>((resolve) => setTimeout(() => resolve(false), PING_TIMEOUT_MS).unref());
  const ping = redis.ping().then((r) => r === 'PONG').catch(() => false);
  return Promise.race([ping, timeout]);
}

/**
 * `/healthz`: the process is up. `/readyz`: it can take webhooks, because Redis answers; 503 also
 * while Redis lost herald's data and posting is held (webhooks are still accepted then).
 */
export async function healthRoutes(app: FastifyInstance, deps: { redis: RedisClient; mode: string; dataLost?: () => Promise<boolean> }) {
  app.get('/healthz', async () => ({ status: 'ok', mode: deps.mode, version: heraldVersion }));
  app.get('/readyz', async (_request, reply) => {
    if (!(await redisAnswers(deps.redis))) return reply.code(503).send({ status: 'not ready', redis: 'not answering' });
    if (await deps.dataLost?.().catch(() => false)) {
      return reply.code(503).send({ status: 'not ready', redis: 'redis-data-lost', advice: 'Redis forgot herald\'s records; posting is held until a person resumes it (GET /healthz/x lists what was lost)' });
    }
    return { status: 'ready', redis: 'ok' };
  });
}
