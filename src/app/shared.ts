import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { RedisIncidentStore } from '../incidents/adapters/redis-store.ts';
import type { KnownThreads } from '../ops/known-threads.ts';
import type { HeraldMetrics } from '../ops/metrics.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { FollowUpJob, Queues } from '../queues.ts';
import type { AccountParts } from './accounts.ts';

/** What both sides of a herald process (workers, HTTP) are built from; see app.ts. */
export interface Parts {
  config: Config;
  logger: Logger;
  prefix: string;
  /** Every account's publisher and composer, the default first (app/accounts.ts). */
  accounts: readonly AccountParts[];
  /** How the default account posts: `x` or `dry-run`. */
  mode: string;
  metrics: HeraldMetrics;
  followUpQueue?: Queue<FollowUpJob>;
  /** X calls give up after this long; leases and reconciliation are sized from it. */
  timeoutMs: number;
  /** Each account's threads as this process knows them, for the epoch watch (ops/known-threads.ts). */
  threads?: KnownThreads;
}

/** The worker side's own connection, store and queues (it waits for Redis rather than fail). */
export interface WorkParts extends Parts {
  redis: RedisClient;
  store: RedisIncidentStore;
  queues: Queues;
}

/** The HTTP side's own connection and queues (it fails fast, 503, while Redis is away). */
export interface ApiParts extends Parts {
  redis: RedisClient;
  queues: Queues;
}

/** Something started that must be stopped in reverse order. */
export type Stop = () => Promise<void>;
