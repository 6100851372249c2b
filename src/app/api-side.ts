import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { statusPages, tweetLinks } from '../accounts/wiring.ts';
import { consoleAndApi } from '../console/plugin.ts';
import { incidentRoutes } from '../incidents/adapters/api.ts';
import { threadRoutes } from '../incidents/adapters/thread-api.ts';
import { RedisIncidentStore } from '../incidents/adapters/redis-store.ts';
import { unroutedRoutes } from '../incidents/adapters/unrouted-api.ts';
import { RedisUnroutedLog } from '../incidents/adapters/unrouted-store.ts';
import { bearerToken, secretsMatch } from '../ingest/auth.ts';
import { ingestRoutes } from '../ingest/routes.ts';
import { webhookSources } from '../ingest/sources.ts';
import { journalRoutes } from '../journal/routes.ts';
import { RedisJournalStore } from '../journal/store.ts';
import { tokenAdminAuth } from '../ops/admin-auth.ts';
import { healthRoutes } from '../ops/health.ts';
import { registerObservability } from '../ops/observability.ts';
import { openDeliveryGuards } from '../publish/delivery-guards.ts';
import { deliveryRoutes } from '../publish/delivery-routes.ts';
import { rateBudgets } from '../publish/x-health.ts';
import { buildServer } from '../server.ts';
import { statusRoutes } from '../status/routes.ts';
import type { ApiParts } from './shared.ts';

/**
 * The HTTP side: webhooks, the JSON API, the console, the status page, metrics and Bull Board,
 * each an encapsulated plugin on one fastify instance. Not listening yet: app.ts does that last.
 */
export async function buildApiSide(parts: ApiParts): Promise<FastifyInstance> {
  const { config, logger, prefix, redis, queues, publisher, metrics, followUpQueue } = parts;
  const server = buildServer(logger);
  const apiTokens = [config.webhookToken, config.apiToken];
  const authorized = (headers: IncomingHttpHeaders) => apiTokens.some((t) => secretsMatch(bearerToken(headers), t));
  const store = new RedisIncidentStore(redis, prefix);
  const unrouted = new RedisUnroutedLog(redis, prefix);
  const link = tweetLinks(config);

  const guards = openDeliveryGuards(redis, prefix, queues.posts, config.delivery, parts.timeoutMs);
  const dataLost = async () => (await guards.account.view()).status === 'redis-data-lost';
  await server.register(healthRoutes, { redis, mode: publisher.mode, dataLost });
  await registerObservability(server, {
    metrics,
    queues: [queues.events, queues.posts, ...(followUpQueue ? [followUpQueue] : [])],
    adminAuth: tokenAdminAuth(apiTokens),
    metricsToken: config.metricsToken,
  });
  await server.register(ingestRoutes, { sources: webhookSources(config), events: queues.events, unrouted, timeBounds: config.eventTimeBounds });
  await server.register(incidentRoutes, { store, authorized });
  await server.register(threadRoutes, { store, posts: queues.posts, authorized });
  await server.register(unroutedRoutes, { log: unrouted, authorized });
  await server.register(journalRoutes, { incidents: store, journals: new RedisJournalStore(redis, prefix), link, timezone: config.timezone, authorized });
  await server.register(statusRoutes, { store, link, pages: statusPages(config) });
  await server.register(consoleAndApi, { config, redis, store, queues, publisherMode: publisher.mode, logger });
  metrics.setRateBudgetSource(() => rateBudgets(guards));
  await server.register(deliveryRoutes, { guards, mode: publisher.mode, authorized });
  return server;
}
