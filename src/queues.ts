import { hash } from 'node:crypto';
import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { accountOf } from './incidents/accounts.ts';
import type { AlertEvent, Post } from './incidents/model.ts';

/** Monitoring events, in arrival order; the incident worker folds them into incidents. */
export const EVENTS_QUEUE = 'events';
/** One job per planned tweet; the delivery worker posts it. */
export const POSTS_QUEUE = 'posts';

export interface DeliveryJob {
  key: string;
  postId: string;
  /** The account it posts on; absent in jobs queued before jobs carried it (publish/account-hold.ts `accountOfJob`). */
  account?: string;
}

/** The job that delivers `post` of incident `key`, on the post's account. */
export const deliveryJobFor = (key: string, post: Pick<Post, 'id' | 'account'>): DeliveryJob => ({ key, postId: post.id, account: accountOf(post) });

// BullMQ job ids may not contain ':' nor be all digits; incident keys come from monitoring and
// may contain anything, so ids are derived from a hash.
export const digest = (text: string): string => hash('sha256', text, 'hex').slice(0, 24);

export const deliveryJobId = (key: string, postId: string): string => `post-${digest(key)}-${postId}`;

/** Identical deliveries of one event share an id, so a sender's retry is not queued twice. */
export const eventJobId = (event: AlertEvent): string =>
  `evt-${digest([event.source, event.key, event.status, event.at, event.service, event.feature, event.severity, ...(event.alertId ? [event.alertId] : []), ...factsPart(event)].join('\u0000'))}`;

// Two events that differ only in impacts, scope, phase or data safety are two events; an event
// without any of them hashes as it did before they existed, so ids in flight stay the same.
function factsPart(event: AlertEvent): string[] {
  const { impacts, scope, phase, dataSafety } = event;
  if (impacts === undefined && scope === undefined && phase === undefined && dataSafety === undefined) return [];
  return [JSON.stringify({ impacts: impacts ?? null, scope: scope ?? null, phase: phase ?? null, dataSafety: dataSafety ?? null })];
}

export const EVENT_JOB_OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 200 },
  // Kept an hour so a retried delivery of the same event is recognised and dropped.
  removeOnComplete: { age: 3600, count: 50_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

export const DELIVERY_JOB_OPTIONS: JobsOptions = {
  // A post is never given up on by the queue: herald's own record decides when it is done.
  attempts: 1000,
  backoff: { type: 'herald' },
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600 },
};

export interface Queues {
  events: Queue<AlertEvent>;
  posts: Queue<DeliveryJob>;
  close(): Promise<void>;
}

/**
 * BullMQ appends every job's every change to a Redis stream for `QueueEvents` listeners, 10,000
 * entries by default. herald has none (its records say what happened), so a short stream is kept,
 * enough to look at by hand (`XREVRANGE <prefix>:events:events + - COUNT 20`).
 */
export const EVENT_STREAM_LENGTH = 500;

export function openQueues(connection: ConnectionOptions, prefix: string): Queues {
  const streams = { events: { maxLen: EVENT_STREAM_LENGTH } };
  const events = new Queue<AlertEvent>(EVENTS_QUEUE, { connection, prefix, defaultJobOptions: EVENT_JOB_OPTIONS, streams });
  const posts = new Queue<DeliveryJob>(POSTS_QUEUE, { connection, prefix, defaultJobOptions: DELIVERY_JOB_OPTIONS, streams });
  return {
    events,
    posts,
    async close() {
      await Promise.all([events.close(), posts.close()]);
    },
  };
}

/** Exponential from one second, capped at a minute, with jitter so workers do not retry in step. */
export function deliveryBackoff(attemptsMade: number): number {
  const base = Math.min(60_000, 1000 * 2 ** Math.max(0, attemptsMade - 1));
  return Math.round(base * (0.5 + Math.random() / 2));
}

/** A middle priority for callers that do not say (see incidents/delivery-priority.ts); never 0. */
const DEFAULT_DELIVERY_PRIORITY = 3;

export async function scheduleDelivery(
  posts: Queue<DeliveryJob>,
  job: DeliveryJob,
  dueAt: string,
  options: { priority?: number; nowMs?: number } = {},
): Promise<void> {
  const delay = Math.max(0, Date.parse(dueAt) - (options.nowMs ?? Date.now()));
  await posts.add('deliver', job, { jobId: deliveryJobId(job.key, job.postId), delay, priority: options.priority ?? DEFAULT_DELIVERY_PRIORITY });
}
