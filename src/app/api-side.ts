import type { FastifyInstance } from 'fastify';
import { accountIds, statusPages, tweetLinks } from '../accounts/wiring.ts';
import { defaultBundle, guardAccounts } from './accounts.ts';
import { registerPrincipals } from '../auth/plugin.ts';
import { consoleAndApi } from '../console/plugin.ts';
import { SessionStore } from '../auth/sessions.ts';
import { incidentRoutes } from '../incidents/adapters/api.ts';
import { incidentFactsRoutes } from '../incidents/adapters/facts-api.ts';
import { languageOf } from '../compose/locale-format.ts';
import { threadRoutes } from '../incidents/adapters/thread-api.ts';
import { RedisIncidentStore } from '../incidents/adapters/redis-store.ts';
import { RedisFloodGate } from '../incidents/adapters/flood-gate.ts';
import { unroutedRoutes } from '../incidents/adapters/unrouted-api.ts';
import { RedisUnroutedLog, type UnroutedLog } from '../incidents/adapters/unrouted-store.ts';
import { RedisReplayCache } from '../ingest/replay-cache.ts';
import { ingestRoutes } from '../ingest/routes.ts';
import { webhookSources } from '../ingest/sources.ts';
import { journalRoutes } from '../journal/routes.ts';
import { RedisJournalStore } from '../journal/store.ts';
import { healthRoutes } from '../ops/health.ts';
import { watchPauses } from '../ops/pause-watch.ts';
import { registerObservability } from '../ops/observability.ts';
import { ReplicaWait } from '../redis/replicas.ts';
import { accountRoutes, accountsHealth } from '../publish/account-routes.ts';
import { pastHalfDeadline, waitingDrafts } from '../approval/service.ts';
import { deliveryRoutes } from '../publish/delivery-routes.ts';
import { rateBudgets } from '../publish/x-health.ts';
import { buildServer } from '../server.ts';
import { statusRoutes } from '../status/routes.ts';
import { openStaffNews } from '../notices/wiring.ts';
import { countWebhooks } from '../ops/instrument.ts';
import { approvalHold, approvalsFor, maintenanceFor } from './services.ts';
import type { ApiParts } from './shared.ts';
import type { Permission } from '../auth/access.ts';
import { openapiRoutes } from './openapi-route.ts';

/** A route the HTTP side serves, as declared: what the OpenAPI document's test holds it to. */
export interface ServedRoute {
  method: string;
  url: string;
  /** What it `requires` (auth/guard.ts); absent for routes open to all or checked otherwise (webhooks). */
  permission?: Permission;
}

/** Alerts kept from the public for their service name are counted by source as they are recorded (herald_alerts_unlisted_service_total) and told to staff in the window's digest. */
function countUnlisted(log: UnroutedLog, metrics: ApiParts['metrics'], staff: { unlisted(source: string, count: number): Promise<void> }): UnroutedLog {
  return {
    async record(alerts) {
      const bySource = new Map<string, number>();
      for (const alert of alerts) if (alert.unlistedService) bySource.set(alert.source, (bySource.get(alert.source) ?? 0) + 1);
      for (const [source, count] of bySource) {
        metrics.unlistedServices.inc({ source }, count);
        void staff.unlisted(source, count);
      }
      return log.record(alerts);
    },
    latest: (limit) => log.latest(limit),
  };
}

/**
 * The HTTP side: webhooks, the JSON API, the console, the status page, metrics and Bull Board,
 * each an encapsulated plugin on one fastify instance. Not listening yet: app.ts does that last.
 */
export async function buildApiSide(parts: ApiParts, routes?: ServedRoute[]): Promise<FastifyInstance> {
  const { config, logger, prefix, redis, queues, metrics } = parts;
  const server = buildServer(logger, { redisReady: () => redis.status === 'ready', requestTimeoutMs: config.requestTimeoutMs, trustProxy: config.trustProxy });
  server.addHook('onRoute', (route) => {
    const permission = route.config?.permission;
    for (const method of [route.method].flat()) routes?.push({ method, url: route.url, ...(permission && { permission }) });
  });
  const sessions = new SessionStore(redis, prefix, config.sessionMs);
  const store = new RedisIncidentStore(redis, prefix);
  const staff = openStaffNews(config, redis, redis, prefix, logger);
  const unrouted = countUnlisted(new RedisUnroutedLog(redis, prefix), metrics, staff.news);
  server.addHook('onClose', staff.close);
  const flood = new RedisFloodGate(redis, prefix, {
    cap: config.newIncidentsPerMinute,
    logger,
    onHeld: (source, held) => {
      metrics.floodHeld.inc({ source }, held);
      void staff.news.held(source, held);
    },
  });

  // Webhooks in a context of their own: each proves itself to its own route with its source's
  // secret, and none pays for the cookie, CSRF and principal hooks of the routes people use, which
  // cost 6 % of a webhook's CPU when they ran on every alert (docs/benchmarks.md).
  await server.register(async (webhooks) => {
    countWebhooks(webhooks, metrics);
    await webhooks.register(ingestRoutes, {
      sources: webhookSources(config),
      events: queues.events,
      unrouted,
      timeBounds: config.eventTimeBounds,
      limits: config.limits,
      firingAlerts: (key, ids) => store.firingAlerts(key, ids),
      flood,
      replays: new RedisReplayCache(redis, prefix),
      // The events queue writes on this same connection (app.ts), so its WAIT covers them.
      replicas: { wait: new ReplicaWait(redis, config.redisReplication), key: `${prefix}:events` },
    });
  });
  await server.register(async (server) => peopleSide(server, parts, { sessions, store, unrouted, staff, flood }));
  await server.register(openapiRoutes);
  return server;
}

/** Everything people and their tools call: who is calling is decided once per request (auth/). */
async function peopleSide(
  server: FastifyInstance,
  parts: ApiParts,
  shared: { sessions: SessionStore; store: RedisIncidentStore; unrouted: UnroutedLog; staff: ReturnType<typeof openStaffNews>; flood: RedisFloodGate },
): Promise<void> {
  const { config, logger, prefix, redis, queues, metrics, followUpQueue, mode } = parts;
  const { sessions, store, unrouted, staff, flood } = shared;
  const link = tweetLinks(config);
  await registerPrincipals(server, { users: config.users, sessions, apiToken: config.apiToken, metricsToken: config.metricsToken, redis, prefix });
  const accounts = guardAccounts(parts.accounts, { redis, prefix, posts: queues.posts, settings: config.delivery, timeoutMs: parts.timeoutMs });
  const defaultGuards = defaultBundle(accounts).guards;
  const dataLost = async () => (await defaultGuards.account.view()).status === 'redis-data-lost';
  await server.register(healthRoutes, { redis, mode, dataLost });
  await registerObservability(server, {
    metrics,
    queues: [queues.events, queues.posts, ...(followUpQueue ? [followUpQueue] : []), ...(staff.notices ? [staff.notices] : [])],
    metricsToken: config.metricsToken,
    metricsElsewhere: config.metricsPort !== undefined,
  });
  await server.register(incidentRoutes, { store });
  // Every post herald plans waits for a person where the policy says so, whoever planned it.
  const hold = approvalHold(config);
  await server.register(incidentFactsRoutes, { store, queues, hold, news: staff.news, language: languageOf(config.locale) });
  await server.register(threadRoutes, { store, posts: queues.posts, accounts: accountIds(config), hold, news: staff.news });
  await server.register(unroutedRoutes, { log: unrouted });
  await server.register(journalRoutes, { incidents: store, journals: new RedisJournalStore(redis, prefix), link, timezone: config.timezone, locale: config.locale });
  await server.register(statusRoutes, { store, link, pages: statusPages(config), publicUrl: config.publicUrl });
  const approvals = approvalsFor(config, { store, queues, logger, news: staff.news });
  const maintenance = maintenanceFor(config, { store, redis, queues, logger });
  server.addHook('onClose', maintenance.close);
  await server.register(consoleAndApi, { config, redis, store, queues, publisherMode: mode, logger, sessions, approvals, maintenance: maintenance.maintenance, hold, news: staff.news, floods: () => flood.recent(Date.now()) });
  metrics.setRateBudgetSource(() => rateBudgets(defaultGuards));
  await server.register(deliveryRoutes, { guards: defaultGuards, mode, queues: [queues.posts, queues.events], store });
  const accountDeps = { accounts: accounts.map((a) => ({ id: a.id, guards: a.guards, mode: a.publisher.mode })), store };
  await server.register(accountRoutes, accountDeps);
  metrics.setAccountStateSource(async () => (await accountsHealth(accountDeps)).map((a) => ({ account: a.account, network: a.network, state: a.status })));
  metrics.setDraftsWaitingSource(async () => {
    const drafts = await waitingDrafts(store);
    const now = Date.now();
    return { count: drafts.length, pastHalfDeadline: drafts.filter(({ post }) => pastHalfDeadline(post, now)).length };
  });
  const stopWatching = watchPauses([queues.posts, queues.events], logger, { explained: async () => (await defaultGuards.account.view()).status !== 'posting' });
  server.addHook('onClose', async () => stopWatching());
}
