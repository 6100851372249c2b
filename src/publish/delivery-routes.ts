import type { FastifyInstance } from 'fastify';
import { requires } from '../auth/guard.ts';
import type { DeliveryGuards } from './delivery-guards.ts';

export interface DeliveryRoutesDeps {
  guards: DeliveryGuards;
  /** `x` or `dry-run`. */
  mode: string;
}

/**
 * What delivery is up to, for people and monitors: `GET /healthz/x` (no token; 503 while X refuses
 * the account), `GET /api/budget`, `GET /api/x` and `POST /api/x/resume` (with the API token).
 */
export async function deliveryRoutes(app: FastifyInstance, deps: DeliveryRoutesDeps) {
  const { account, budget, reads } = deps.guards;

  app.get('/healthz/x', async (_request, reply) => {
    const view = await account.view();
    const body = { status: view.status, account: view.account, mode: deps.mode, reason: view.reason, since: view.since, rateLimitedUntil: view.rateLimitedUntil };
    return reply.code(view.status === 'blocked' ? 503 : 200).send(body);
  });

  app.get('/api/budget', requires('view'), async () => {
    const [view, posts, timeline] = await Promise.all([account.view(), budget.view(), reads.view()]);
    return { account: view.account, mode: deps.mode, status: view.status, rateLimitedUntil: view.rateLimitedUntil, posts, reads: timeline };
  });

  app.get('/api/x', requires('view'), async () => ({ ...(await account.view()), mode: deps.mode }));

  app.post('/api/x/resume', requires('admin'), async (request) => {
    const before = await account.view();
    if (before.status === 'blocked') {
      await account.unblock(`${request.principal!.name}, through POST /api/x/resume`);
      request.log.warn({ account: before.account, was: before.reason, by: request.principal!.name }, 'posting resumed by a person; if X still refuses, it stops again');
    }
    return { ...(await account.view()), mode: deps.mode, resumed: before.status === 'blocked' };
  });
}
