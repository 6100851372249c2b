import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { DeliveryGuards } from './delivery-guards.ts';
import { xHealth } from './x-health.ts';

export interface DeliveryRoutesDeps {
  guards: DeliveryGuards;
  /** `x` or `dry-run`. */
  mode: string;
  authorized: (headers: IncomingHttpHeaders) => boolean;
}

/**
 * What delivery is up to, for people and monitors: `GET /healthz/x` (no token; 503 in every state
 * but `posting`, see x-health.ts), `GET /api/budget`, `GET /api/x` and `POST /api/x/resume` (with the API token).
 */
export async function deliveryRoutes(app: FastifyInstance, deps: DeliveryRoutesDeps) {
  const { account, budget, reads } = deps.guards;

  app.get('/healthz/x', async (_request, reply) => {
    const { httpStatus, ...body } = await xHealth(deps.guards, deps.mode);
    return reply.code(httpStatus).send(body);
  });

  await app.register(async (api) => {
    api.addHook('onRequest', async (request, reply) => {
      if (!deps.authorized(request.headers)) return reply.code(401).send({ error: 'missing or wrong API token', details: [] });
    });

    api.get('/api/budget', async () => {
      const [view, posts, timeline] = await Promise.all([account.view(), budget.view(), reads.view()]);
      return { account: view.account, mode: deps.mode, status: view.status, rateLimitedUntil: view.rateLimitedUntil, posts, reads: timeline };
    });

    api.get('/api/x', async () => ({ ...(await account.view()), mode: deps.mode }));

    api.post('/api/x/resume', async (request) => {
      const before = await account.view();
      // A hold after a Redis data loss is lifted first: a person has now looked at what was lost.
      const released = await account.release();
      if (released) request.log.warn({ account: before.account, lost: before.held?.lost.length ?? 0 }, 'posting resumed by a person after Redis lost data');
      if (before.status === 'blocked') {
        await account.unblock('a person, through POST /api/x/resume');
        request.log.warn({ account: before.account, was: before.reason }, 'posting resumed by a person; if X still refuses, it stops again');
      }
      return { ...(await account.view()), mode: deps.mode, resumed: released || before.status === 'blocked' };
    });
  });
}
