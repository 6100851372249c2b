import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { UnroutedLog } from './unrouted-store.ts';

/**
 * `GET /api/alerts/unrouted`: the alerts herald received and kept from the public (no route took
 * them, or a route said not public), most recently seen first, each with the reason.
 */
export async function unroutedRoutes(app: FastifyInstance, deps: { log: UnroutedLog; authorized: (headers: IncomingHttpHeaders) => boolean }) {
  app.addHook('onRequest', async (request, reply) => {
    if (!deps.authorized(request.headers)) return reply.code(401).send({ error: 'missing or wrong API token', details: [] });
  });
  app.get<{ Querystring: { limit?: string } }>('/api/alerts/unrouted', async (request) => {
    const limit = Math.min(1000, Math.max(1, Number(request.query.limit ?? 100) || 100));
    return { alerts: await deps.log.latest(limit) };
  });
}
