/**
 * Everything herald adds to an HTTP server so that people can watch it run: `/metrics` and Bull
 * Board under `/admin/queues`. A worker-only process gets a small server of its own with health
 * and metrics, so Prometheus can scrape every process.
 */
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { RedisClient as Redis } from '../redis/connect.ts';
import type { Logger } from 'pino';
import { buildServer } from '../server.ts';
import { resolvePrincipal } from '../auth/principal.ts';
import { adminRoutes, metricsRoutes } from './admin-routes.ts';
import { healthRoutes } from './health.ts';
import type { HeraldMetrics } from './metrics.ts';

export interface ObservabilityDeps {
  metrics: HeraldMetrics;
  /** Shown in Bull Board and measured for `herald_queue_jobs`. */
  queues: readonly Queue[];
  /** When set, `/metrics` asks for this token (or an admin's). */
  metricsToken?: string;
  /** `/metrics` is served on a port of its own (HERALD_METRICS_PORT), not on this server. */
  metricsElsewhere: boolean;
}

/** Call on the API server's routes for people, after auth/plugin.ts (webhooks are counted where they are registered). */
export async function registerObservability(server: FastifyInstance, deps: ObservabilityDeps): Promise<void> {
  deps.metrics.watchQueues(deps.queues);
  if (!deps.metricsElsewhere) await server.register(metricsRoutes, { metrics: deps.metrics, open: deps.metricsToken === undefined });
  await server.register(adminRoutes, { queues: deps.queues });
}

/** `/metrics`, `/healthz` and `/readyz` for a process that serves no other HTTP. Resolves to its URL. */
export async function startMetricsServer(
  deps: { metrics: HeraldMetrics; metricsToken?: string; redis: Redis; mode: string; logger: Logger },
  listen: { port: number; host: string },
): Promise<{ server: FastifyInstance; url: string }> {
  const server = buildServer(deps.logger);
  server.decorateRequest('principal', null);
  server.addHook('onRequest', resolvePrincipal({ users: [], metricsToken: deps.metricsToken }));
  await server.register(healthRoutes, { redis: deps.redis, mode: deps.mode });
  await server.register(metricsRoutes, { metrics: deps.metrics, open: deps.metricsToken === undefined });
  const url = await server.listen(listen);
  return { server, url };
}

