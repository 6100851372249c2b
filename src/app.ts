import { Redis, type RedisOptions } from 'ioredis';
import type { Worker } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { incidentComposer } from './compose/for-incident.ts';
import { genericSource } from './ingest/generic.ts';
import { ingestRoutes } from './ingest/routes.ts';
import { incidentRoutes } from './incidents/api.ts';
import { startIncidentWorker } from './incidents/incident-worker.ts';
import { RedisIncidentStore } from './incidents/redis-store.ts';
import { expireOldIncidents } from './incidents/retention.ts';
import { bearerToken, secretsMatch } from './ingest/auth.ts';
import { healthRoutes } from './ops/health.ts';
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
  /** How often incidents settled for longer than the retention are removed. */
  retentionIntervalMs?: number;
}

export interface Herald {
  /** Base URL of the HTTP server, when this process serves HTTP. */
  url?: string;
  publisher: Publisher;
  store: RedisIncidentStore;
  queues: Queues;
  close(): Promise<void>;
}

export function createPublisher(config: Config, logger: Logger): Publisher {
  if (config.x) return new XPublisher({ ...config.x, logger });
  return new OutboxPublisher({ path: config.outboxPath, logger });
}

function connect(url: string, options: RedisOptions, logger: Logger): Redis {
  const redis = new Redis(url, options);
  redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection problem'));
  return redis;
}

async function ready(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    redis.once('ready', resolve);
    redis.once('end', () => reject(new Error('redis connection ended before it was ready')));
  });
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
  const fast = connect(config.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, enableAutoPipelining: true }, logger);
  const patient = connect(config.redisUrl, { maxRetriesPerRequest: null }, logger);
  await Promise.all([ready(fast), ready(patient)]);

  const prefix = config.redisPrefix;
  const store = new RedisIncidentStore(patient, prefix);
  const workQueues = works ? openQueues(patient, prefix) : undefined;
  const apiQueues = serves ? openQueues(fast, prefix) : undefined;
  const queues = (workQueues ?? apiQueues)!;
  const publisher = createPublisher(config, logger);
  const workers: Worker[] = [];
  let stopSweeper: () => Promise<void> = async () => undefined;
  let stopRetention: () => Promise<void> = async () => undefined;

  if (works) {
    const connection = { url: config.redisUrl, maxRetriesPerRequest: null } as const;
    const rules = { graceMs: config.graceMs, reopenWindowMs: config.reopenWindowMs };
    workers.push(startIncidentWorker({ connection, prefix, store, queues, rules, logger }));
    const compose = incidentComposer(config);
    workers.push(startDeliveryWorker({ connection, prefix, store, queues, publisher, compose, logger }));
    stopSweeper = startSweeper(() => sweepDeliveries(store, queues, logger), options.sweepIntervalMs ?? 30_000, logger);
    const expire = () => expireOldIncidents({ store, retentionMs: config.retentionMs, logger });
    stopRetention = startSweeper(expire, options.retentionIntervalMs ?? 3_600_000, logger, 'retention pass');
  }

  let server: FastifyInstance | undefined;
  let url: string | undefined;
  if (serves) {
    server = buildServer(logger);
    const sources = [genericSource(config.webhookToken)];
    const apiTokens = [config.webhookToken];
    await server.register(healthRoutes, { redis: fast, mode: publisher.mode });
    await server.register(ingestRoutes, { sources, events: apiQueues!.events });
    await server.register(incidentRoutes, {
      store: new RedisIncidentStore(fast, prefix),
      authorized: (headers) => apiTokens.some((t) => secretsMatch(bearerToken(headers), t)),
    });
    url = await server.listen({ port: config.port, host: config.host });
  }

  return {
    url,
    publisher,
    store,
    queues,
    async close() {
      await server?.close();
      await stopSweeper();
      await stopRetention();
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all([workQueues?.close(), apiQueues?.close()]);
      fast.disconnect();
      await patient.quit().catch(() => undefined);
    },
  };
}
