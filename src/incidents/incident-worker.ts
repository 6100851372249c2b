import { Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { applyEvents } from './alert-rules.ts';
import { Coalescer } from './coalesce.ts';
import type { AlertEvent } from './model.ts';
import type { IncidentRules } from './rules.ts';
import type { IncidentStore } from './store.ts';
import { deliveryJobId, EVENTS_QUEUE, scheduleDelivery, type Queues } from '../publish/queues.ts';

/**
 * Jobs run at once. Jobs of the same incident are applied together rather than racing (see
 * coalesce.ts), so a storm gains from many: one store write carries up to this many alerts.
 */
const DEFAULT_CONCURRENCY = 64;

export interface IncidentWorkerDeps {
  connection: ConnectionOptions;
  prefix: string;
  store: IncidentStore;
  queues: Queues;
  rules: IncidentRules;
  logger: Logger;
  concurrency?: number;
}

/**
 * Folds monitoring events of one incident into it (one atomic write for all of them), then queues
 * a delivery job for every post they scheduled. If the process dies between the two, the sweep
 * (publish/sweep.ts) queues the missing jobs from the incident record, so nothing planned is lost.
 */
export async function applyAndSchedule(deps: Pick<IncidentWorkerDeps, 'store' | 'queues' | 'rules' | 'logger'>, key: string, events: readonly AlertEvent[]) {
  const alertIds = events.flatMap((e) => (e.alertId ? [e.alertId] : []));
  const applied = await deps.store.updateForAlerts(key, alertIds, (current, marks) => {
    const result = applyEvents(current, events, deps.rules, marks);
    return { next: result?.incident ?? null, result, marks: result?.marks };
  });
  if (!applied) return null;
  const log = deps.logger.child({ incident: key });
  const last = events[events.length - 1]!;
  if (applied.changed) {
    log.info({ status: last.status, source: last.source, events: events.length, state: applied.incident.state, firingAlerts: applied.incident.firingAlerts }, 'incident updated');
  }
  for (const post of applied.scheduled) {
    await scheduleDelivery(deps.queues.posts, { key, postId: post.id }, post.dueAt);
    log.info({ post: post.id, dueAt: post.dueAt }, 'post scheduled');
  }
  for (const post of applied.cancelled) {
    log.info({ post: post.id, why: post.note }, 'post cancelled');
    // The delivery job would find the post cancelled and do nothing; removing it keeps the queue tidy.
    await deps.queues.posts.remove(deliveryJobId(key, post.id)).catch(() => 0);
  }
  return applied;
}

export function startIncidentWorker(deps: IncidentWorkerDeps): Worker<AlertEvent> {
  // Jobs of one incident that run at the same time are applied together (see coalesce.ts).
  const coalescer = new Coalescer((key: string, events: AlertEvent[]) => applyAndSchedule(deps, key, events));
  const worker = new Worker<AlertEvent>(
    EVENTS_QUEUE,
    async (job: Job<AlertEvent>) => {
      const applied = await coalescer.submit(job.data.key, job.data);
      return { state: applied?.incident.state, scheduled: applied?.scheduled.map((p) => p.id) ?? [] };
    },
    { connection: deps.connection, prefix: deps.prefix, concurrency: deps.concurrency ?? DEFAULT_CONCURRENCY },
  );
  worker.on('failed', (job, err) => deps.logger.error({ incident: job?.data.key, err }, 'could not apply event'));
  worker.on('error', (err) => deps.logger.error({ err }, 'incident worker error'));
  return worker;
}
