import type { FastifyInstance } from 'fastify';
import { requires } from '../../auth/guard.ts';
import type { UnroutedLog } from './unrouted-store.ts';

/**
 * `GET /api/alerts/unrouted`: the alerts herald received and kept from the public (no route took
 * them, or a route said not public), most recently seen first, each with the reason.
 */
export async function unroutedRoutes(app: FastifyInstance, deps: { log: UnroutedLog }) {
  app.get<{ Querystring: { limit?: string } }>('/api/alerts/unrouted', requires('view'), async (request) => {
    const limit = Math.min(1000, Math.max(1, Number(request.query.limit ?? 100) || 100));
    return { alerts: await deps.log.latest(limit) };
  });
}
