import { hash } from 'node:crypto';
import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { accountOf } from './incidents/accounts.ts';
import type { IncomingEvent, Post } from './incidents/model.ts';
import type { Decision, NoticeJobKind } from './notices/notice.ts';
import type { RedisClient } from './redis/connect.ts';

/*
 * Every queue herald runs, its job and how jobs are named: the contract between who adds a job and
 * the worker that runs it. Workers live beside their concern; the queues are declared here only.
 */

/** Monitoring events, in arrival order; the incident worker folds them into incidents. */
export const EVENTS_QUEUE = 'events';
/** One job per planned tweet; the delivery worker posts it. */
export const POSTS_QUEUE = 'posts';
/** One delayed job per posted tweet of an open incident: the follow-up rule then decides (incidents/adapters/follow-ups.ts). */
export const FOLLOW_UPS_QUEUE = 'followups';
/** One delayed job per maintenance window, at its end plus the grace period (maintenance/adapters/overrun.ts). */
export const MAINTENANCE_QUEUE = 'maintenance';
/** Staff notices, apart so a slow mail server never holds up an event or a tweet (notices/worker.ts). */
export const NOTICES_QUEUE = 'staff-notices';

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

export interface FollowUpJob {
  key: string;
  afterPostId: string;
}

/** Named after the post it follows, so arming twice is harmless. */
export const followUpJobId = (key: string, afterPostId: string): string => `followup-${digest(key)}-${afterPostId}`;

export interface OverrunJob {
  key: string;
  /** The window end (ISO) the job was queued for. */
  endsAt: string;
}

/** One per window end: moving the end queues a new job, the old one finds nothing to do. */
export const overrunJobId = (key: string, endsAt: string): string => `overrun-${digest(key)}-${Date.parse(endsAt)}`;

export interface NoticeJob {
  kind: NoticeJobKind;
  /** The incident; for a digest, `digest`. */
  key: string;
  /** The post; for a digest, the start of the window it covers (ms since the epoch). */
  postId: string;
  decision?: Decision;
}

export const noticeJobId = (job: NoticeJob): string =>
  `${job.kind}-${digest(job.key)}-${job.postId}${job.decision ? `-${job.decision.action}-${Date.parse(job.decision.at)}` : ''}`;

/** Identical deliveries of one event share an id, so a sender's retry is not queued twice. */
export const eventJobId = (event: IncomingEvent): string =>
  `evt-${digest([event.source, event.key, event.status, event.at, event.service, event.feature, event.severity, ...(event.alertId ? [event.alertId] : []), ...factsPart(event)].join('\u0000'))}`;

// Two events that differ only in impacts, scope, phase or data safety are two events; an event
// without any of them hashes as it did before they existed, so ids in flight stay the same.
function factsPart(event: IncomingEvent): string[] {
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
  events: Queue<IncomingEvent>;
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
  const events = new Queue<IncomingEvent>(EVENTS_QUEUE, { connection, prefix, defaultJobOptions: EVENT_JOB_OPTIONS, streams });
  const posts = new Queue<DeliveryJob>(POSTS_QUEUE, { connection, prefix, defaultJobOptions: DELIVERY_JOB_OPTIONS, streams });
  return {
    events,
    posts,
    async close() {
      await Promise.all([events.close(), posts.close()]);
    },
  };
}

// The three queues below are opened only where they are used (a role, a feature switched on).
const RETRIED: JobsOptions = { backoff: { type: 'exponential', delay: 1000 }, removeOnFail: { age: 7 * 24 * 3600 } };

export function openFollowUpQueue(connection: ConnectionOptions, prefix: string): Queue<FollowUpJob> {
  return new Queue<FollowUpJob>(FOLLOW_UPS_QUEUE, { connection, prefix, defaultJobOptions: { ...RETRIED, attempts: 20, removeOnComplete: true } });
}

export function openMaintenanceQueue(connection: ConnectionOptions, prefix: string): Queue<OverrunJob> {
  return new Queue<OverrunJob>(MAINTENANCE_QUEUE, { connection, prefix, defaultJobOptions: { ...RETRIED, attempts: 20, removeOnComplete: true } });
}

export function openNoticeQueue(connection: ConnectionOptions, prefix: string): Queue<NoticeJob> {
  return new Queue<NoticeJob>(NOTICES_QUEUE, { connection, prefix, defaultJobOptions: { ...RETRIED, attempts: 8, removeOnComplete: { age: 3600 } } });
}

/** Names of the queues that are paused (a pause in Bull Board, or a script). */
export async function pausedQueues(queues: readonly Pick<Queue, 'name' | 'isPaused'>[]): Promise<string[]> {
  const paused = await Promise.all(queues.map(async (q) => ((await q.isPaused()) ? q.name : undefined)));
  return paused.filter((name): name is string => name !== undefined);
}

/**
 * BullMQ's lock and stall check for a worker whose jobs must be taken over within `takeOverMs`
 * (HERALD_JOB_LOCK_SECONDS) after its process is killed. A killed worker's job runs again only once
 * its lock has expired and another worker's stall check has seen it unlocked twice over (it is
 * marked at one check and moved at the next): lock and interval both equal to `takeOverMs` took
 * 60-70 s for 30 s. Half for the lock (renewed every quarter) and a sixth for the check keep the
 * worst case within `takeOverMs`.
 */
export function stallTimings(takeOverMs: number): { lockDuration: number; stalledInterval: number } {
  return { lockDuration: Math.round(takeOverMs / 2), stalledInterval: Math.round(takeOverMs / 6) };
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

/**
 * Which of `jobIds` have no job hash in `queue`, in one EXISTS over them all; only when some are
 * missing, one EXISTS per job (pipelined) says which. `redis` is the server the queue lives on.
 */
export async function missingJobs(redis: RedisClient, queue: Pick<Queue, 'toKey'>, jobIds: readonly string[]): Promise<Set<string>> {
  if (jobIds.length === 0) return new Set();
  const keys = jobIds.map((id) => queue.toKey(id));
  if ((await redis.exists(...keys)) === keys.length) return new Set();
  const replies = (await keys.reduce((p, key) => p.exists(key), redis.pipeline()).exec()) ?? [];
  return new Set(jobIds.filter((_, i) => replies[i]?.[1] === 0));
}
