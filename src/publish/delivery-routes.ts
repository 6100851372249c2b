import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { requires } from '../auth/guard.ts';
import { pausedQueues } from '../queues.ts';
import type { IncidentStore } from '../incidents/store.ts';
import type { DeliveryGuards } from './delivery-guards.ts';
import { xHealth } from './x-health.ts';

export interface DeliveryRoutesDeps {
  guards: DeliveryGuards;
  /** The queues whose pause stops announcements (posts, events): a paused one turns /healthz/x red. */
  /** (ops/pause-watch.ts logs it.) */
  queues: readonly Pick<Queue, 'name' | 'isPaused'>[];
  /** `x` or `dry-run`. */
  mode: string;
  /** To tell which refused posts still wait for a person. */
  store: Pick<IncidentStore, 'get'>;
}

/**
 * What delivery is up to, for people and monitors: `GET /healthz/x` (no token; 503 in every state
 * but `posting`, see x-health.ts), `GET /api/budget`, `GET /api/x` and `POST /api/x/resume` (with the API token).
 */
export async function deliveryRoutes(app: FastifyInstance, deps: DeliveryRoutesDeps) {
  const { account, budget, reads } = deps.guards;

  app.get('/healthz/x', async (_request, reply) => {
    const { httpStatus, ...body } = await xHealth(deps.guards, deps.mode, deps.store);
    const paused = await pausedQueues(deps.queues);
    // herald holds an account's posts itself while X refuses or fails it: that reason is the one to tell.
    if (paused.length > 0 && body.status === 'posting') {
      const reason = `the ${paused.join(' and ')} queue is paused, so nothing is announced; resume it in Bull Board (/admin/queues, as an admin)`;
      return reply.code(503).send({ ...body, status: 'paused', reason, pausedQueues: paused });
    }
    return reply.code(httpStatus).send(body);
  });

  app.get('/api/budget', requires('view'), async () => {
    const [view, posts, timeline] = await Promise.all([account.view(), budget.view(), reads.view()]);
    return { account: view.account, mode: deps.mode, status: view.status, rateLimitedUntil: view.rateLimitedUntil, posts, reads: timeline };
  });

  app.get('/api/x', requires('view'), async () => ({ ...(await account.view()), mode: deps.mode }));

  app.post('/api/x/resume', requires('admin'), async (request) => {
    const before = await account.view();
    // A hold after a Redis data loss is lifted first: a person has now looked at what was lost.
    const released = await account.release();
    if (released) request.log.warn({ account: before.account, lost: before.held?.lost.length ?? 0, by: request.principal!.name }, 'posting resumed by a person after Redis lost data');
    if (before.status === 'blocked') {
      await account.unblock(`${request.principal!.name}, through POST /api/x/resume`);
      request.log.warn({ account: before.account, was: before.reason, by: request.principal!.name }, 'posting resumed by a person; if X still refuses, it stops again');
    }
    return { ...(await account.view()), mode: deps.mode, resumed: released || before.status === 'blocked' };
  });
}
