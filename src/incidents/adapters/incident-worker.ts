import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { applyEventToAccounts, DEFAULT_ACCOUNT, type AccountIds } from '../accounts.ts';
import { applyEvents, type AlertMark, type AppliedBatch, type ApplyOne } from '../alert-rules.ts';
import { Coalescer } from '../coalesce.ts';
import { deliveryPriority } from '../delivery-priority.ts';
import { tellDrafted, type DraftNews } from '../../approval/news.ts';
import type { AlertEvent, Incident } from '../model.ts';
import type { Applied, IncidentRules } from '../rules.ts';
import type { IncidentStore } from '../store.ts';
import { checkQueuedEvent } from '../event.ts';
import { deliveryJobFor, deliveryJobId, eventJobId, EVENTS_QUEUE, scheduleDelivery, stallTimings, type Queues } from '../../queues.ts';

/** Enough to recognise a re-run event job; older repeats are BullMQ's to drop (by job id, for an hour). */
const APPLIED_EVENTS_KEPT = 20;

/** Where a planned post came from, as the approval policy needs it. */
export type PostOrigin = Pick<AlertEvent, 'source' | 'receivedAt'>;

/** The approval policy (approval/hold.ts): turns what was planned into drafts where it says so. */
export type ApprovalHold = (previous: Incident | null, applied: Applied, origin: PostOrigin) => Applied;

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
  /** Accounts that announce each incident, default first; absent: the default account only. */
  accounts?: AccountIds;
  logger: Logger;
  concurrency?: number;
  /** The approval policy (approval/hold.ts): turns what the event planned into drafts where it says so. */
  hold?: (previous: Incident | null, applied: Applied, event: AlertEvent) => Applied;
  /** Runs before each batch of events is applied (maintenance windows are read here, for `hold`). */
  prepare?: () => Promise<void>;
  /** BullMQ lock: how soon an event held by a killed worker (or lost in a Redis restart) runs again. */
  lockMs?: number;
  /** Told of every post that became a draft (staff notices, the console's live updates). */
  news?: DraftNews;
}

/**
 * Folds monitoring events of one incident into it (one atomic write for all of them), then queues
 * a delivery job for every post they scheduled. If the process dies between the two, the sweep
 * (publish/sweep.ts) queues the missing jobs from the incident record, so nothing planned is lost.
 */
/** One event through every account's thread, then through the approval policy. */
function applyOneWith(deps: Pick<IncidentWorkerDeps, 'accounts' | 'hold'>): ApplyOne {
  return (current, event, rules) => {
    const planned = applyEventToAccounts(current, event, rules, deps.accounts ?? [DEFAULT_ACCOUNT]);
    return deps.hold ? deps.hold(current, planned, event) : planned;
  };
}

export async function applyAndSchedule(
  deps: Pick<IncidentWorkerDeps, 'store' | 'queues' | 'rules' | 'logger' | 'accounts' | 'hold' | 'prepare' | 'news'>,
  key: string,
  events: readonly AlertEvent[],
) {
  await deps.prepare?.();
  const alertIds = events.flatMap((e) => (e.alertId ? [e.alertId] : []));
  const applyOne = applyOneWith(deps);
  const applied = await deps.store.updateForAlerts<AppliedBatch | null>(key, alertIds, (current, marks) => {
    // A job run again after a worker died once it had applied the event: applying it twice could
    // turn an old open into a reopening. What it scheduled is queued by the sweep if need be.
    const fresh = events.filter((e) => !current?.appliedEvents?.includes(eventJobId(e)));
    if (fresh.length === 0) return { next: null, result: current && { incident: current, changed: false, scheduled: [], cancelled: [], marks: new Map<string, AlertMark>() } };
    const result = applyEvents(current, fresh, deps.rules, marks, applyOne);
    if (!result) return { next: null, result };
    const appliedEvents = [...(current?.appliedEvents ?? []), ...fresh.map(eventJobId)].slice(-APPLIED_EVENTS_KEPT);
    const incident = { ...result.incident, appliedEvents };
    return { next: incident, result: { ...result, incident }, marks: result.marks };
  });
  if (!applied) return null;
  const log = deps.logger.child({ incident: key });
  const last = events[events.length - 1]!;
  if (applied.changed) {
    log.info({ status: last.status, source: last.source, events: events.length, state: applied.incident.state, firingAlerts: applied.incident.firingAlerts }, 'incident updated');
  }
  for (const post of applied.scheduled) {
    await scheduleDelivery(deps.queues.posts, deliveryJobFor(key, post), post.dueAt, { priority: deliveryPriority(applied.incident, post) });
    log.info({ post: post.id, dueAt: post.dueAt, deadline: post.approval?.deadline }, post.status === 'draft' ? 'post waits for approval' : 'post scheduled');
  }
  await tellDrafted(deps.news, applied.incident, applied.scheduled);
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
      const checked = checkQueuedEvent(job.data);
      if ('problem' in checked) {
        // Only the field names and rules are logged, never the values: they may be hostile text.
        deps.logger.error({ job: job.id, problems: checked.problem.details }, 'event refused: it is not one a webhook would accept (added to the queue by hand?); nothing was announced');
        throw new UnrecoverableError(`${checked.problem.message}: ${checked.problem.details.join('; ')}`);
      }
      const event = checked.event;
      const applied = await coalescer.submit(event.key, event);
      return { state: applied?.incident.state, scheduled: applied?.scheduled.map((p) => p.id) ?? [] };
    },
    {
      connection: deps.connection,
      prefix: deps.prefix,
      concurrency: deps.concurrency ?? DEFAULT_CONCURRENCY,
      ...(deps.lockMs && stallTimings(deps.lockMs)),
    },
  );
  worker.on('failed', (job, err) => deps.logger.error({ incident: job?.data.key, err }, 'could not apply event'));
  worker.on('error', (err) => deps.logger.error({ err }, 'incident worker error'));
  return worker;
}
