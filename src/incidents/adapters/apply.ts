/*
 * Events applied to an incident and what they planned queued: the incident worker's step, and the
 * one people's by-hand incidents and announcements take too (approval/service.ts), so both behave
 * alike. The approval hold and the news of drafts come in from app/, which builds them.
 */
import type { Logger } from 'pino';
import { applyEventToAccounts, DEFAULT_ACCOUNT, type AccountIds } from '../accounts.ts';
import { applyEvents, type AlertMark, type AppliedBatch, type ApplyOne } from '../alert-rules.ts';
import { deliveryPriority } from '../delivery-priority.ts';
import { tellDrafted, type DraftNews } from '../draft-news.ts';
import type { AlertEvent, Incident, IncomingEvent } from '../model.ts';
import type { UnroutedLog } from './unrouted-store.ts';
import { heldAlert } from './flood-gate.ts';
import type { Applied, IncidentRules } from '../rules.ts';
import type { IncidentStore } from '../store.ts';
import { deliveryJobFor, deliveryJobId, eventJobId, scheduleDelivery, type Queues } from '../../queues.ts';

/** Enough to recognise a re-run event job; older repeats are BullMQ's to drop (by job id, for an hour). */
const APPLIED_EVENTS_KEPT = 20;

/** Where a planned post came from, as the approval policy needs it. */
export type PostOrigin = Pick<AlertEvent, 'source' | 'receivedAt'>;

/** The approval policy (approval/hold.ts): turns what was planned into drafts where it says so. */
export type ApprovalHold = (previous: Incident | null, applied: Applied, origin: PostOrigin) => Applied;

export interface ApplyDeps {
  store: IncidentStore;
  queues: Queues;
  rules: IncidentRules;
  /** Accounts that announce each incident, default first; absent: the default account only. */
  accounts?: AccountIds;
  logger: Logger;
  /** The approval policy (approval/hold.ts): turns what the event planned into drafts where it says so. */
  hold?: (previous: Incident | null, applied: Applied, event: AlertEvent) => Applied;
  /** Runs before each batch of events is applied (maintenance windows are read here, for `hold`). */
  prepare?: () => Promise<void>;
  /** Told of every post that became a draft (staff notices, the console's live updates). */
  news?: DraftNews;
  /** Where events that name too little for an incident herald does not know are kept for people. */
  unrouted?: Pick<UnroutedLog, 'record'>;
}

/**
 * A resolve or update that brought only its key and status, for an incident herald does not know:
 * there is no service to name, so nothing is recorded on an incident and nothing is posted. It is
 * kept where alerts kept from the public are (`GET /api/alerts/unrouted`), with the reason.
 */
async function recordUnknown(deps: ApplyDeps, key: string, events: readonly IncomingEvent[]): Promise<void> {
  const reason = `herald knows no incident ${key}: a ${events.map((e) => e.status).join(', ')} that names no service, feature and severity has nothing to record or announce (send the open first, or name them)`;
  deps.logger.warn({ incident: key, sources: [...new Set(events.map((e) => e.source))], statuses: events.map((e) => e.status) }, 'event for an incident herald does not know names too little to record; nothing was posted');
  await deps.unrouted?.record(events.map((e) => heldAlert(e, reason)));
}

/** One event through every account's thread, then through the approval policy. */
function applyOneWith(deps: Pick<ApplyDeps, 'accounts' | 'hold'>): ApplyOne {
  return (current, event, rules) => {
    const planned = applyEventToAccounts(current, event, rules, deps.accounts ?? [DEFAULT_ACCOUNT]);
    return deps.hold ? deps.hold(current, planned, event) : planned;
  };
}

/** An incident opened (or opened again) by an event the flood gate marked (incidents/flood-rules.ts). */
const openedInFlood = (current: Incident | null, events: readonly IncomingEvent[]): boolean => (!current || current.state === 'resolved') && events.some((e) => e.flood);

/**
 * Folds monitoring events of one incident into it (one atomic write for all of them), then queues
 * a delivery job for every post they scheduled. If the process dies between the two, the sweep
 * (publish/sweep.ts) queues the missing jobs from the incident record, so nothing planned is lost.
 */
export async function applyAndSchedule(deps: ApplyDeps, key: string, events: readonly IncomingEvent[]) {
  await deps.prepare?.();
  const alertIds = events.flatMap((e) => (e.alertId ? [e.alertId] : []));
  const applyOne = applyOneWith(deps);
  let unknown: IncomingEvent[] = [];
  const applied = await deps.store.updateForAlerts<AppliedBatch | null>(key, alertIds, (current, marks) => {
    unknown = [];
    // A job run again after a worker died once it had applied the event: applying it twice could
    // turn an old open into a reopening. What it scheduled is queued by the sweep if need be.
    const fresh = events.filter((e) => !current?.appliedEvents?.includes(eventJobId(e)));
    if (fresh.length === 0) return { next: null, result: current && { incident: current, changed: false, scheduled: [], cancelled: [], marks: new Map<string, AlertMark>() } };
    const result = applyEvents(current, fresh, deps.rules, marks, applyOne, unknown);
    if (!result) return { next: null, result };
    const appliedEvents = [...(current?.appliedEvents ?? []), ...fresh.map(eventJobId)].slice(-APPLIED_EVENTS_KEPT);
    const incident = { ...result.incident, appliedEvents, ...(openedInFlood(current, fresh) && { flood: true as const }) };
    return { next: incident, result: { ...result, incident }, marks: result.marks };
  });
  if (unknown.length > 0) await recordUnknown(deps, key, unknown);
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

