import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../auth/access.ts';
import { HeraldError } from '../errors.ts';
import { authorize, refuse, SAFE_METHODS } from '../auth/guard.ts';
import type { HeraldMetrics } from './metrics.ts';

export const BULL_BOARD_PATH = '/admin/queues';

/** Bull Board changes queues only on other methods than GET (checked against @bull-board/api 9.10's routes). */
const boardPermission = (request: FastifyRequest) => (SAFE_METHODS.has(request.method) && !request.url.startsWith(REDIS_STATS) ? 'view' : 'admin');

/** Bull Board's Redis INFO (version, memory, clients, configuration): for admins only, like the queues' controls. */
const REDIS_STATS = `${BULL_BOARD_PATH}/api/redis/stats`;

/** The host an `Origin` header names; a malformed or opaque one (`null`) names none. */
function originHost(origin: string | undefined): string | undefined {
  if (origin === undefined) return undefined;
  try {
    return new URL(origin).host || undefined;
  } catch {
    return undefined;
  }
}

/**
 * A session has no CSRF token to give Bull Board's own pages, so a change from a browser must at
 * least come from herald's own origin (the session cookie is SameSite=Strict as well).
 */
async function sameOriginForSessions(request: FastifyRequest, reply: FastifyReply) {
  if (request.principal?.via !== 'session' || SAFE_METHODS.has(request.method)) return;
  const site = request.headers['sec-fetch-site'];
  const origin = request.headers.origin;
  const host = originHost(origin);
  const sameOrigin = site === 'same-origin' || (host !== undefined && host === request.headers.host);
  if (!sameOrigin) return refuse(reply, new HeraldError('HERALD_FORBIDDEN', 'queue changes from a browser must come from herald’s own pages'));
}

/**
 * Bull Board's queue list tells its pages whether to offer pause, retry, add and clean: for anyone
 * but an admin it says read-only, so the buttons are not shown (the methods are refused anyway).
 */
function readOnlyForNonAdmins(request: FastifyRequest, _reply: FastifyReply, payload: unknown) {
  const admin = request.principal && can(request.principal.role, 'admin');
  if (admin || request.method !== 'GET' || !request.url.startsWith(`${BULL_BOARD_PATH}/api/queues?`) && request.url !== `${BULL_BOARD_PATH}/api/queues`) return payload;
  if (typeof payload !== 'string') return payload;
  const body = JSON.parse(payload) as { queues?: { readOnlyMode?: boolean; allowRetries?: boolean }[] };
  for (const queue of body.queues ?? []) Object.assign(queue, { readOnlyMode: true, allowRetries: false });
  return JSON.stringify(body);
}

/**
 * Bull Board over herald's queues: anyone who may view sees it, read-only; only admins may pause,
 * add, retry or clean. (Bull Board's own `readOnlyMode` is fixed per queue when the board is made,
 * so it cannot depend on who asks; the method check is what enforces it.)
 */
export async function adminRoutes(app: FastifyInstance, deps: { queues: readonly Queue[] }) {
  app.addHook('onRequest', authorize(boardPermission, { basicAuth: true }));
  app.addHook('onRequest', sameOriginForSessions);
  app.addHook('onSend', async (request, reply, payload) => readOnlyForNonAdmins(request, reply, payload));
  const board = new FastifyAdapter();
  createBullBoard({ queues: deps.queues.map((q) => new BullMQAdapter(q)), serverAdapter: board, options: { uiConfig: { boardTitle: 'herald queues' } } });
  board.setBasePath(BULL_BOARD_PATH);
  await app.register(board.registerPlugin(), { prefix: BULL_BOARD_PATH });
}

/**
 * `GET /metrics` in Prometheus' text format. Open when `open` (no HERALD_METRICS_TOKEN: restrict it
 * at the network, or serve it on HERALD_METRICS_PORT); otherwise for the metrics token and admins.
 */
export async function metricsRoutes(app: FastifyInstance, deps: { metrics: HeraldMetrics; open: boolean }) {
  app.get('/metrics', deps.open ? {} : { onRequest: authorize('scrape', { basicAuth: true }) }, async (_request, reply) => {
    const body = await deps.metrics.render();
    return reply.header('content-type', deps.metrics.contentType).header('cache-control', 'no-store').send(body);
  });
}
