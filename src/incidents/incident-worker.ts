import { Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { AlertEvent } from './model.ts';
import { deliveryPriority } from './delivery-priority.ts';
import { applyEvent, type Applied, type IncidentRules } from './rules.ts';
import type { IncidentStore } from './store.ts';
import { deliveryJobId, eventJobId, EVENTS_QUEUE, scheduleDelivery, type Queues } from '../publish/queues.ts';

/** Enough to recognise a re-run event job; older repeats are BullMQ's to drop (by job id, for an hour). */
const APPLIED_EVENTS_KEPT = 20;

export interface IncidentWorkerDeps {
  connection: ConnectionOptions;
  prefix: string;
  store: IncidentStore;
  queues: Queues;
  rules: IncidentRules;
  logger: Logger;
  concurrency?: number;
  /** BullMQ lock: how soon an event held by a killed worker (or lost in a Redis restart) runs again. */
  lockMs?: number;
}

/**
 * Folds each monitoring event into its incident, then queues a delivery job for every post the
 * event scheduled. If the process dies between the two, the sweep (publish/sweep.ts) queues the
 * missing jobs from the incident record, so nothing planned is lost.
 */
export async function applyAndSchedule(deps: Pick<IncidentWorkerDeps, 'store' | 'queues' | 'rules' | 'logger'>, event: AlertEvent) {
  const eventId = eventJobId(event);
  const applied = await deps.store.update<Applied>(event.key, (current) => {
    // A job run again after a worker died once it had applied the event: applying it twice could
    // turn an old open into a reopening. What it scheduled is queued by the sweep if need be.
    if (current?.appliedEvents?.includes(eventId)) return { next: null, result: { incident: current, changed: false, scheduled: [], cancelled: [] } };
    const result = applyEvent(current, event, deps.rules);
    const incident = { ...result.incident, appliedEvents: [...(current?.appliedEvents ?? []), eventId].slice(-APPLIED_EVENTS_KEPT) };
    return { next: incident, result: { ...result, incident } };
  });
  const log = deps.logger.child({ incident: event.key });
  if (applied.changed) log.info({ status: event.status, source: event.source, state: applied.incident.state }, 'incident updated');
  for (const post of applied.scheduled) {
    await scheduleDelivery(deps.queues.posts, { key: event.key, postId: post.id }, post.dueAt, { priority: deliveryPriority(applied.incident, post) });
    log.info({ post: post.id, dueAt: post.dueAt }, 'post scheduled');
  }
  for (const post of applied.cancelled) {
    log.info({ post: post.id, why: post.note }, 'post cancelled');
    // The delivery job would find the post cancelled and do nothing; removing it keeps the queue tidy.
    await deps.queues.posts.remove(deliveryJobId(event.key, post.id)).catch(() => 0);
  }
  return applied;
}

export function startIncidentWorker(deps: IncidentWorkerDeps): Worker<AlertEvent> {
  const worker = new Worker<AlertEvent>(
    EVENTS_QUEUE,
    async (job: Job<AlertEvent>) => {
      const applied = await applyAndSchedule(deps, job.data);
      return { state: applied.incident.state, scheduled: applied.scheduled.map((p) => p.id) };
    },
    { connection: deps.connection, prefix: deps.prefix, concurrency: deps.concurrency ?? 8, ...(deps.lockMs && { lockDuration: deps.lockMs, stalledInterval: deps.lockMs }) },
  );
  worker.on('failed', (job, err) => deps.logger.error({ incident: job?.data.key, err }, 'could not apply event'));
  worker.on('error', (err) => deps.logger.error({ err }, 'incident worker error'));
  return worker;
}
