import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { requireAdmin, type AdminAuth } from './admin-auth.ts';
import type { HeraldMetrics } from './metrics.ts';

export const BULL_BOARD_PATH = '/admin/queues';

/** Bull Board over herald's queues, behind the admin check. */
export async function adminRoutes(app: FastifyInstance, deps: { queues: readonly Queue[]; auth: AdminAuth }) {
  app.addHook('onRequest', requireAdmin(deps.auth));
  const board = new FastifyAdapter();
  createBullBoard({ queues: deps.queues.map((q) => new BullMQAdapter(q)), serverAdapter: board, options: { uiConfig: { boardTitle: 'herald queues' } } });
  board.setBasePath(BULL_BOARD_PATH);
  await app.register(board.registerPlugin(), { prefix: BULL_BOARD_PATH });
}

/**
 * `GET /metrics` in Prometheus' text format. Open unless a token is configured: metrics hold
 * counts, never incident keys or texts, but a public deployment should still set one.
 */
export async function metricsRoutes(app: FastifyInstance, deps: { metrics: HeraldMetrics; auth?: AdminAuth }) {
  if (deps.auth) app.addHook('onRequest', requireAdmin(deps.auth));
  app.get('/metrics', async (_request, reply) => {
    const body = await deps.metrics.render();
    return reply.header('content-type', deps.metrics.contentType).header('cache-control', 'no-store').send(body);
  });
}
