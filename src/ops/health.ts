import type { FastifyInstance } from 'fastify';
import type { RedisClient } from './redis-connect.ts';

const PING_TIMEOUT_MS = 1000;

async function redisAnswers(redis: RedisClient): Promise<boolean> {
  const timeout = new Promise<false>((resolve) => setTimeout(() => resolve(false), PING_TIMEOUT_MS).unref());
  const ping = redis.ping().then((r) => r === 'PONG').catch(() => false);
  return Promise.race([ping, timeout]);
}

/** `/healthz`: the process is up. `/readyz`: it can take webhooks, because Redis answers. */
export async function healthRoutes(app: FastifyInstance, deps: { redis: RedisClient; mode: string }) {
  app.get('/healthz', async () => ({ status: 'ok', mode: deps.mode }));
  app.get('/readyz', async (_request, reply) => {
    if (await redisAnswers(deps.redis)) return { status: 'ready', redis: 'ok' };
    return reply.code(503).send({ status: 'not ready', redis: 'not answering' });
  });
}
