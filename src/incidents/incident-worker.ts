import { Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { AlertEvent, Incident } from './model.ts';
import { applyEventToAccounts, type AccountIds } from './accounts.ts';
import type { Applied, IncidentRules } from './rules.ts';
import type { IncidentStore } from './store.ts';
import { withLogContext } from '../ops/log-context.ts';
import { deliveryJobId, EVENTS_QUEUE, scheduleDelivery, type Queues } from '../publish/queues.ts';

/** Where a planned post came from, as the approval policy needs it. */
export type PostOrigin = Pick<AlertEvent, 'source' | 'receivedAt'>;

/** The approval policy (approval/hold.ts): turns what was planned into drafts where it says so. */
export type ApprovalHold = (previous: Incident | null, applied: Applied, origin: PostOrigin) => Applied;

export interface IncidentWorkerDeps {
  connection: ConnectionOptions;
  prefix: string;
  store: IncidentStore;
  queues: Queues;
  rules: IncidentRules;
  /** Accounts that announce each incident, default first; absent: the default account only. */
  accounts?: AccountIds;
  logger: Logger;
  concurrency?: number;
  /** The approval policy (approval/hold.ts): turns what the event planned into drafts where it says so. */
  hold?: (previous: Incident | null, applied: Applied, event: AlertEvent) => Applied;
}

/**
 * Folds each monitoring event into its incident, then queues a delivery job for every post the
 * event scheduled. If the process dies between the two, the sweep (publish/sweep.ts) queues the
 * missing jobs from the incident record, so nothing planned is lost.
 */
export async function applyAndSchedule(deps: Pick<IncidentWorkerDeps, 'store' | 'queues' | 'rules' | 'logger' | 'accounts' | 'hold'>, event: AlertEvent) {
  const applied = await deps.store.update(event.key, (current) => {
    const planned = applyEventToAccounts(current, event, deps.rules, deps.accounts ?? [undefined]);
    const result = deps.hold ? deps.hold(current, planned, event) : planned;
    return { next: result.incident, result };
  });
  const log = deps.logger.child({ incident: event.key });
  if (applied.changed) log.info({ status: event.status, source: event.source, state: applied.incident.state }, 'incident updated');
  for (const post of applied.scheduled) {
    await scheduleDelivery(deps.queues.posts, { key: event.key, postId: post.id }, post.dueAt);
    log.info({ post: post.id, dueAt: post.dueAt, deadline: post.approval?.deadline }, post.status === 'draft' ? 'post waits for approval' : 'post scheduled');
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
    (job: Job<AlertEvent>) =>
      withLogContext({ incident: job.data.key }, async () => {
        const applied = await applyAndSchedule(deps, job.data);
        return { state: applied.incident.state, scheduled: applied.scheduled.map((p) => p.id) };
      }),
    { connection: deps.connection, prefix: deps.prefix, concurrency: deps.concurrency ?? 8 },
  );
  worker.on('failed', (job, err) => deps.logger.error({ incident: job?.data.key, err }, 'could not apply event'));
  worker.on('error', (err) => deps.logger.error({ err }, 'incident worker error'));
  return worker;
}
