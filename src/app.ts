import type { RedisOptions } from 'ioredis';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { buildApiSide, type ServedRoute } from './app/api-side.ts';
import { defaultBundle, guardAccounts, openAccounts } from './app/accounts.ts';
import type { Parts } from './app/shared.ts';
import { startWorkerSide } from './app/worker-side.ts';
import { followUpsOn } from './incidents/follow-up-schedule.ts';
import { RedisIncidentStore } from './incidents/adapters/redis-store.ts';
import { HeraldMetrics } from './ops/metrics.ts';
import { startMetricsServer } from './ops/observability.ts';
import { checkRedisSetup } from './redis/checks.ts';
import { connectRedis, redisReady, type RedisClient } from './redis/connect.ts';
import type { Publisher } from './publish/publisher.ts';
import { openFollowUpQueue, openQueues, type Queues } from './queues.ts';
import { KnownThreads } from './ops/known-threads.ts';
import { startEpochWatch } from './ops/redis-epoch.ts';
import { LifeMarker } from './ops/life-marker.ts';
import { readOwnPosts } from './publish/reconcile.ts';

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
  /**
   * Where a worker without HERALD_METRICS_PORT answers health checks (its PORT, which it takes no
   * webhooks on). Best effort: a port another process holds (several workers on one host) is
   * logged and the worker goes on posting without it.
   */
  workerHealthPort?: number;
}

export interface Herald {
  /** Base URL of the HTTP server, when this process serves HTTP. */
  url?: string;
  /** The default account's publisher (the others': `accounts`). */
  publisher: Publisher;
  accounts: Parts['accounts'];
  store: RedisIncidentStore;
  queues: Queues;
  metrics: HeraldMetrics;
  /** The routes the HTTP side serves (none in a worker): docs/openapi.json is checked against them. */
  routes: readonly ServedRoute[];
  close(): Promise<void>;
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
  // The webhook path fails fast (503) while Redis is away; workers wait for it to come back. Both
  // send the commands issued in one tick (concurrent webhooks; the incident reads and writes of
  // the 64 events the worker runs at once) in one write, not a system call each (docs/benchmarks.md).
  const fast = connect(config, { enableOfflineQueue: false, maxRetriesPerRequest: 1, enableAutoPipelining: true }, logger);
  // On a Cluster the workers share this client (redis/connect.ts), and BullMQ's workers keep
  // connections without auto-pipelining, as they expect.
  const patient = connect(config, { maxRetriesPerRequest: null, enableAutoPipelining: config.redis.clusterNodes === undefined }, logger);
  await Promise.all([redisReady(fast), redisReady(patient)]);
  await checkRedisSetup(patient, config.redis, config.redisReplication, logger);

  const prefix = config.redisPrefix;
  const metrics = new HeraldMetrics({ defaultMetrics: options.processMetrics });
  const accounts = openAccounts(config, logger, metrics);
  const main = defaultBundle(accounts);
  const parts: Parts = {
    config,
    logger,
    prefix,
    metrics,
    accounts,
    mode: main.publisher.mode,
    followUpQueue: followUpsOn(config.followUps) ? openFollowUpQueue(works ? patient : fast, prefix) : undefined,
    timeoutMs: main.account.credentials.x?.timeoutMs ?? 10_000,
    threads: new KnownThreads(),
  };
  metrics.dryRun.set(parts.mode === 'dry-run' ? 1 : 0);
  const store = new RedisIncidentStore(patient, prefix);
  const workQueues = works ? openQueues(patient, prefix) : undefined;
  const apiQueues = serves ? openQueues(fast, prefix) : undefined;

  // Every process watches for a Redis that forgot, whatever its role (docs/faults.md). Every
  // account's own state and hold, as its delivery sees them (account-hold.ts): a loss holds all their
  // posts. It starts before the workers, so an empty Redis is judged before anything can post.
  const posts = (workQueues ?? apiQueues)!.posts;
  const guarded = guardAccounts(accounts, { redis: patient, prefix, posts, settings: config.delivery, timeoutMs: parts.timeoutMs });
  const stopEpochWatch = await startEpochWatch({
    redis: patient,
    prefix,
    store,
    accounts: guarded.map((a) => a.guards.account),
    life: new LifeMarker(config.dataDir, prefix),
    // A dry run's outbox reaches no follower, so it cannot hold a live thread.
    readers: guarded.filter((a) => a.publisher.mode !== 'dry-run').map((a) => ({ id: a.id, read: () => readOwnPosts({ publisher: a.publisher, reads: a.guards.reads }) })),
    threads: parts.threads,
    logger,
    intervalMs: config.epochCheckMs,
  });
  const stopWorkers = workQueues ? startWorkerSide({ ...parts, redis: patient, store, queues: workQueues }, options) : async () => undefined;

  let server: FastifyInstance | undefined;
  const routes: ServedRoute[] = [];
  let url: string | undefined;
  let metricsServer: FastifyInstance | undefined;
  const healthPort = config.metricsPort ?? (role === 'worker' ? options.workerHealthPort : undefined);
  if (healthPort !== undefined) {
    const metricsDeps = { metrics, metricsToken: config.metricsToken, redis: fast, mode: parts.mode, logger };
    try {
      const started = await startMetricsServer(metricsDeps, { port: healthPort, host: config.host });
      metricsServer = started.server;
      url = started.url;
    } catch (err) {
      if (config.metricsPort !== undefined || (err as { code?: string }).code !== 'EADDRINUSE') throw err;
      logger.warn({ port: healthPort }, `port ${healthPort} is taken (another worker on this host?): this worker answers no health check; set PORT or HERALD_METRICS_PORT apart for each`);
    }
  }
  if (apiQueues) {
    server = await buildApiSide({ ...parts, redis: fast, queues: apiQueues }, routes);
    url = await server.listen({ port: config.port, host: config.host });
  }
  if (config.metricsToken === undefined && (apiQueues || metricsServer)) {
    const where = metricsServer ? `its own port ${healthPort}` : `the HTTP port ${config.port}`;
    logger.warn({ metricsPort: config.metricsPort }, `/metrics is open to anyone who can reach ${where}; that is fine on a private network, otherwise set HERALD_METRICS_TOKEN (or HERALD_METRICS_PORT to serve it apart)`);
  }

  return {
    url,
    publisher: main.publisher,
    accounts,
    store,
    queues: (workQueues ?? apiQueues)!,
    metrics,
    routes,
    async close() {
      await Promise.all([server?.close(), metricsServer?.close()]);
      await stopEpochWatch();
      await stopWorkers();
      await Promise.all([workQueues?.close(), apiQueues?.close(), parts.followUpQueue?.close()]);
      fast.disconnect();
      await patient.quit().catch(() => undefined);
    },
  };
}
