import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { requires } from '../auth/guard.ts';
import type { DeliveryGuards } from './delivery-guards.ts';

export interface DeliveryRoutesDeps {
  guards: DeliveryGuards;
  /** The queues whose pause stops announcements (posts, events): a paused one turns /healthz/x red. */
  /** (ops/pause-watch.ts logs it.) */
  queues: readonly Pick<Queue, 'name' | 'isPaused'>[];
  /** `x` or `dry-run`. */
  mode: string;
}

/**
 * What delivery is up to, for people and monitors: `GET /healthz/x` (no token; 503 while X refuses
 * the account), `GET /api/budget`, `GET /api/x` and `POST /api/x/resume` (with the API token).
 */
/** Names of the queues that are paused (a pause in Bull Board, or a script). */
export async function pausedQueues(queues: readonly Pick<Queue, 'name' | 'isPaused'>[]): Promise<string[]> {
  const paused = await Promise.all(queues.map(async (q) => ((await q.isPaused()) ? q.name : undefined)));
  return paused.filter((name): name is string => name !== undefined);
}

export async function deliveryRoutes(app: FastifyInstance, deps: DeliveryRoutesDeps) {
  const { account, budget, reads } = deps.guards;

  app.get('/healthz/x', async (_request, reply) => {
    const [view, paused] = await Promise.all([account.view(), pausedQueues(deps.queues)]);
    const body = { status: view.status, account: view.account, mode: deps.mode, reason: view.reason, since: view.since, rateLimitedUntil: view.rateLimitedUntil };
    // herald pauses posts itself while X refuses the account: that reason is the one to tell.
    if (paused.length > 0 && view.status !== 'blocked') {
      const reason = `the ${paused.join(' and ')} queue is paused, so nothing is announced; resume it in Bull Board (/admin/queues, as an admin)`;
      return reply.code(503).send({ ...body, status: 'paused', reason, pausedQueues: paused });
    }
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
