import type { IncomingHttpHeaders } from 'node:http';
import type { RedisOptions } from 'ioredis';
import type { Worker } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { accountComposer, accountIds, statusPages, tweetLinks, withAccounts } from './accounts/wiring.ts';
import { approvalHold, consoleAndApi } from './console/plugin.ts';
import { ingestRoutes } from './ingest/routes.ts';
import { webhookSources } from './ingest/sources.ts';
import { incidentRoutes } from './incidents/api.ts';
import { startIncidentWorker } from './incidents/incident-worker.ts';
import { openFollowUpQueue, startFollowUpWorker } from './incidents/follow-ups.ts';
import { RedisIncidentStore } from './incidents/redis-store.ts';
import { expireOldIncidents } from './incidents/retention.ts';
import { unroutedRoutes } from './incidents/unrouted-api.ts';
import { RedisUnroutedLog } from './incidents/unrouted-store.ts';
import { bearerToken, secretsMatch } from './ingest/auth.ts';
import { journalRoutes } from './journal/routes.ts';
import { RedisJournalStore } from './journal/store.ts';
import { healthRoutes } from './ops/health.ts';
import { statusRoutes } from './status/routes.ts';
import { tokenAdminAuth } from './ops/admin-auth.ts';
import { countPosts, observeDeliveries } from './ops/instrument.ts';
import { HeraldMetrics } from './ops/metrics.ts';
import { registerObservability, startMetricsServer } from './ops/observability.ts';
import { connectRedis, redisReady, workerConnection, type RedisClient } from './ops/redis-connect.ts';
import { openDeliveryGuards } from './publish/delivery-guards.ts';
import { deliveryRoutes } from './publish/delivery-routes.ts';
import { startAccountProbe } from './publish/x-account.ts';
import { startDeliveryWorker } from './publish/delivery-worker.ts';
import { OutboxPublisher } from './publish/outbox-publisher.ts';
import type { Publisher } from './publish/publisher.ts';
import { openQueues, type Queues } from './publish/queues.ts';
import { startSweeper, sweepDeliveries } from './publish/sweep.ts';
import { XPublisher } from './publish/x-publisher.ts';
import { buildServer } from './server.ts';

export type Role = 'api' | 'worker' | 'all';

export interface HeraldOptions {
  role: Role;
  logger: Logger;
  /** How often the delivery sweep looks for posts without a live job. */
  sweepIntervalMs?: number;
  /** Adds Node's process metrics (memory, CPU, event loop) to `/metrics`. */
  processMetrics?: boolean;
  /** How often incidents settled for longer than the retention are removed. */
  retentionIntervalMs?: number;
}

export interface Herald {
  /** Base URL of the HTTP server, when this process serves HTTP. */
  url?: string;
  publisher: Publisher;
  store: RedisIncidentStore;
  queues: Queues;
  metrics: HeraldMetrics;
  close(): Promise<void>;
}

export function createPublisher(config: Config, logger: Logger): Publisher {
  if (config.x) return new XPublisher({ ...config.x, logger });
  return new OutboxPublisher({ path: config.outboxPath, logger });
}

function connect(config: Config, options: RedisOptions, logger: Logger): RedisClient {
  const redis = connectRedis(config.redis, options);
  redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection problem'));
  return redis;
}

/**
 * Starts herald in the stated order: Redis, then workers, then the HTTP port, so no webhook is
 * accepted before something can process it. `close` undoes it in reverse and lets jobs in flight
 * finish.
 */
export async function startHerald(config: Config, options: HeraldOptions): Promise<Herald> {
  const { logger, role } = options;
  const serves = role === 'api' || role === 'all';
  const works = role === 'worker' || role === 'all';
  // The webhook path fails fast (503) while Redis is away; workers wait for it to come back. The
  // webhook path also sends the commands of concurrent webhooks in one write (docs/benchmarks.md).
  const fast = connect(config, { enableOfflineQueue: false, maxRetriesPerRequest: 1, enableAutoPipelining: true }, logger);
  const patient = connect(config, { maxRetriesPerRequest: null }, logger);
  await Promise.all([redisReady(fast), redisReady(patient)]);

  const prefix = config.redisPrefix;
  const store = new RedisIncidentStore(patient, prefix);
  const workQueues = works ? openQueues(patient, prefix) : undefined;
  const apiQueues = serves ? openQueues(fast, prefix) : undefined;
  const queues = (workQueues ?? apiQueues)!;
  const metrics = new HeraldMetrics({ defaultMetrics: options.processMetrics });
  const publisher = countPosts(withAccounts(createPublisher(config, logger), config, logger), metrics);
  const workers: Worker[] = [];
  let stopSweeper: () => Promise<void> = async () => undefined;
  const followUpQueue = config.followUpMs > 0 ? openFollowUpQueue(works ? patient : fast, prefix) : undefined;
  let stopFollowUpSweeper: () => Promise<void> = async () => undefined;
  let stopProbe: () => Promise<void> = async () => undefined;
  let stopRetention: () => Promise<void> = async () => undefined;
  const timeoutMs = config.x?.timeoutMs ?? 10_000;

  if (works) {
    const connection = workerConnection(config.redis, patient);
    const rules = { graceMs: config.graceMs, reopenWindowMs: config.reopenWindowMs };
    const hold = approvalHold(config);
    const incidentWorker = startIncidentWorker({ connection, prefix, store, queues, rules, accounts: accountIds(config), logger, hold, lockMs: config.delivery.jobLockMs });
    workers.push(incidentWorker);
    const compose = accountComposer(config);
    const guards = openDeliveryGuards(patient, prefix, queues.posts, config.delivery, timeoutMs);
    const delivery = startDeliveryWorker({ connection, prefix, store, queues, publisher, compose, guards, logger });
    observeDeliveries(delivery, store, metrics, logger);
    workers.push(delivery);
    const sweepMs = options.sweepIntervalMs ?? config.sweepMs;
    stopSweeper = startSweeper(() => sweepDeliveries(store, queues, logger), sweepMs, logger);
    stopProbe = startAccountProbe(guards.account, publisher, Math.min(5000, config.delivery.probeMs), logger);
    if (followUpQueue) {
      const followUp = startFollowUpWorker({ queue: followUpQueue, store, queues, cadenceMs: config.followUpMs, logger, metrics, connection, prefix, deliveryWorker: delivery, incidentWorker, hold });
      workers.push(followUp.worker);
      stopFollowUpSweeper = startSweeper(() => followUp.followUps.sweep(), sweepMs, logger);
    }
    const expire = () => expireOldIncidents({ store, retentionMs: config.retentionMs, logger });
    stopRetention = startSweeper(expire, options.retentionIntervalMs ?? 3_600_000, logger, 'retention pass');
  }

  let server: FastifyInstance | undefined;
  let url: string | undefined;
  if (serves) {
    server = buildServer(logger);
    const sources = webhookSources(config);
    const apiTokens = [config.webhookToken, config.apiToken];
    const authorized = (headers: IncomingHttpHeaders) => apiTokens.some((t) => secretsMatch(bearerToken(headers), t));
    const unrouted = new RedisUnroutedLog(fast, prefix);
    await server.register(healthRoutes, { redis: fast, mode: publisher.mode });
    const adminAuth = tokenAdminAuth(apiTokens);
    await registerObservability(server, { metrics, queues: [apiQueues!.events, apiQueues!.posts, ...(followUpQueue ? [followUpQueue] : [])], adminAuth, metricsToken: config.metricsToken });
    await server.register(ingestRoutes, { sources, events: apiQueues!.events, unrouted });
    const apiStore = new RedisIncidentStore(fast, prefix);
    await server.register(incidentRoutes, { store: apiStore, authorized });
    await server.register(unroutedRoutes, { log: unrouted, authorized });
    await server.register(journalRoutes, { incidents: apiStore, journals: new RedisJournalStore(fast, prefix), link: tweetLinks(config), timezone: config.timezone, authorized });
    await server.register(statusRoutes, { store: apiStore, link: tweetLinks(config), pages: statusPages(config) });
    await server.register(consoleAndApi, { config, redis: fast, store: apiStore, queues: apiQueues!, publisherMode: publisher.mode, logger });
    const guards = openDeliveryGuards(fast, prefix, apiQueues!.posts, config.delivery, timeoutMs);
    await server.register(deliveryRoutes, { guards, mode: publisher.mode, authorized });
    url = await server.listen({ port: config.port, host: config.host });
  } else if (config.metricsPort !== undefined) {
    const metricsServer = await startMetricsServer({ metrics, metricsToken: config.metricsToken, redis: fast, mode: publisher.mode, logger }, { port: config.metricsPort, host: config.host });
    server = metricsServer.server;
    url = metricsServer.url;
  }

  return {
    url,
    publisher,
    store,
    queues,
    metrics,
    async close() {
      await server?.close();
      await stopSweeper();
      await stopFollowUpSweeper();
      await stopProbe();
      await stopRetention();
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all([workQueues?.close(), apiQueues?.close(), followUpQueue?.close()]);
      fast.disconnect();
      await patient.quit().catch(() => undefined);
    },
  };
}
