import { ownFacts, refusedFactsEntry, withOwners } from './fact-owners.ts';
import { BY_HAND_SOURCE, type AlertEvent, type AuditEntry, type IncomingEvent, type Incident } from './model.ts';
import { applyEvent, completeEvent, type Applied, type IncidentRules } from './rules.ts';

/**
 * How one monitoring alert moves its incident: pure, like rules.ts. An incident joined by many
 * alerts (a storm) stays open while any of them fires and resolves when the last one does. The
 * store keeps, beside the incident, what was last heard of each alert (an {@link AlertMark}), so the
 * incident record itself only carries the count and stays small however many alerts join it.
 */

/** The last state herald recorded for one alert, with the monitoring time it refers to. */
export interface AlertMark {
  state: 'firing' | 'resolved';
  /** `startsAt` of the firing, `endsAt` of the resolve (epoch ms), as monitoring reported it. */
  atMs: number;
}

/** Applies one event to an incident: `applyEvent`, or that wrapped with accounts and approval. */
export type ApplyOne = (current: Incident | null, event: AlertEvent, rules: IncidentRules) => Applied;

export interface AppliedAlert extends Applied {
  /** What to record for the event's alert, atomically with the incident; absent: keep the old mark. */
  mark?: AlertMark;
}

function withFiring(applied: Applied, firing: number, mark: AlertMark | undefined): AppliedAlert {
  return { ...applied, incident: { ...applied.incident, firingAlerts: firing }, mark };
}

/** The event is counted and the alert's mark may move, but followers hear nothing new. */
function counted(current: Incident, firing: number, mark?: AlertMark): AppliedAlert {
  const incident: Incident = { ...current, events: current.events + 1, firingAlerts: firing };
  return { incident, changed: false, scheduled: [], cancelled: [], mark };
}

function fire(current: Incident | null, event: AlertEvent, rules: IncidentRules, last: AlertMark | null, applyEvent: ApplyOne): AppliedAlert {
  const atMs = Date.parse(event.at);
  const firing = current?.firingAlerts ?? 0;
  const mark: AlertMark = { state: 'firing', atMs };
  const open: AlertEvent = { ...event, status: 'open' };
  if (current && last?.state === 'resolved' && last.atMs >= atMs) {
    // A firing older than the resolve already applied: the queue delivered them out of order.
    return counted(current, firing);
  }
  if (current && last?.state === 'firing') {
    // Monitoring repeats firing alerts on every notification; only a new firing cycle of the same
    // alert may reopen an incident that someone resolved by hand in the meantime.
    if (last.atMs >= atMs) return current.state === 'open' ? withFiring(applyEvent(current, open, rules), firing, undefined) : counted(current, firing);
    return withFiring(applyEvent(current, open, rules), firing, mark);
  }
  return withFiring(applyEvent(current, open, rules), firing + 1, mark);
}

function settle(current: Incident | null, event: AlertEvent, rules: IncidentRules, last: AlertMark | null, applyEvent: ApplyOne): AppliedAlert {
  const atMs = Date.parse(event.at);
  const firing = current?.firingAlerts ?? 0;
  const mark: AlertMark = { state: 'resolved', atMs };
  if (!current) {
    // Never heard firing: record it (senders retry), and remember the resolve so a late firing of
    // the same cycle is recognised as stale.
    return withFiring(applyEvent(null, event, rules), 0, mark);
  }
  if (last?.state === 'firing' && last.atMs <= atMs) {
    const remaining = Math.max(0, firing - 1);
    if (remaining > 0) return counted(current, remaining, mark);
    return withFiring(applyEvent(current, event, rules), 0, mark);
  }
  if (!last) return counted(current, firing, mark);
  // A repeat of a resolve, or the resolve of an older cycle than the firing already recorded.
  return counted(current, firing);
}

/**
 * Applies an event about one monitoring alert (`event.alertId` set) to its incident, given what was
 * last recorded for that alert. Repeats, and events the queue delivers out of order, change nothing
 * followers see.
 */
export function applyAlertEvent(current: Incident | null, event: AlertEvent, rules: IncidentRules, last: AlertMark | null, applyOne: ApplyOne = applyEvent): AppliedAlert {
  return event.status === 'resolved' ? settle(current, event, rules, last, applyOne) : fire(current, event, rules, last, applyOne);
}

/**
 * A resolve that names no alert of its own (a generic webhook, a PagerDuty incident) while alerts
 * of a monitoring tool on the incident still fire: the sender speaks for what it sent, not for
 * the others. Nothing is posted; the incident resolves when those alerts do, or when a person
 * resolves it, and the journal says why it did not resolve now.
 */
function resolveWhileOthersFire(current: Incident | null, event: AlertEvent): AppliedAlert | undefined {
  const firing = current?.firingAlerts ?? 0;
  if (!current || event.status !== 'resolved' || event.alertId || event.source === BY_HAND_SOURCE || current.state !== 'open' || firing === 0) return undefined;
  const entry = {
    at: event.receivedAt,
    actor: 'herald',
    action: 'resolve not applied',
    reason: `${event.source} said it is resolved while ${firing} alert${firing === 1 ? '' : 's'} of another source still fire${firing === 1 ? 's' : ''}; it resolves when they do, or when a person resolves it`,
  };
  return { incident: { ...current, events: current.events + 1, audit: [...(current.audit ?? []), entry] }, changed: true, scheduled: [], cancelled: [] };
}

/**
 * An event that would have changed facts another source set: the refusal goes in the journal, and
 * the update it would have posted is not planned (what it may change is still applied, quietly).
 */
function withoutRefusedUpdate(before: Incident, applied: AppliedAlert, entry: AuditEntry): AppliedAlert {
  const dropped = new Set(applied.scheduled.filter((p) => p.kind === 'update').map((p) => p.id));
  const posts = applied.incident.posts.filter((p) => !dropped.has(p.id));
  const audit = [...(applied.incident.audit ?? before.audit ?? []), entry];
  return { ...applied, changed: true, incident: { ...applied.incident, posts, audit }, scheduled: applied.scheduled.filter((p) => !dropped.has(p.id)) };
}

export interface AppliedBatch {
  incident: Incident;
  changed: boolean;
  /** Posts the batch scheduled and did not cancel again: each needs a delivery job. */
  scheduled: Applied['scheduled'];
  /** Posts planned before this batch that it cancelled: their delivery jobs may be dropped. */
  cancelled: Applied['cancelled'];
  /** New marks of the batch's alerts. */
  marks: Map<string, AlertMark>;
}

/**
 * Applies several events of one incident in order, as one change: what a storm needs, so one
 * write to the store carries many alerts. Events without an `alertId` follow rules.ts as they are.
 * An event that names too little for an incident herald does not know is left out, into `unknown`.
 */
export function applyEvents(
  current: Incident | null,
  events: readonly IncomingEvent[],
  rules: IncidentRules,
  marks: ReadonlyMap<string, AlertMark>,
  applyOne: ApplyOne = applyEvent,
  unknown: IncomingEvent[] = [],
): AppliedBatch | null {
  let incident = current;
  let changed = false;
  const scheduled: Applied['scheduled'] = [];
  const cancelled: Applied['cancelled'] = [];
  const next = new Map<string, AlertMark>();
  for (const incoming of events) {
    // Completed against the incident as the events before it in the batch left it (an open just before).
    const event = completeEvent(incident, incoming);
    if (!event) {
      unknown.push(incoming);
      continue;
    }
    const id = event.alertId;
    const own = ownFacts(incident, event, rules.mayChangeFactsOf);
    let applied: AppliedAlert = id
      ? applyAlertEvent(incident, own.event, rules, next.get(id) ?? marks.get(id) ?? null, applyOne)
      : (resolveWhileOthersFire(incident, own.event) ?? applyOne(incident, own.event, rules));
    if (own.refused.length > 0) applied = withoutRefusedUpdate(incident!, applied, refusedFactsEntry(incident!, event, own.refused));
    if (id && applied.mark) next.set(id, applied.mark);
    incident = withOwners(incident, applied.incident, event.source);
    changed ||= applied.changed;
    scheduled.push(...applied.scheduled);
    cancelled.push(...applied.cancelled);
  }
  if (!incident) return null;
  const final = incident;
  // A draft still needs its job too: the job is its approval deadline.
  const stillScheduled = (id: string) => final.posts.some((p) => p.id === id && (p.status === 'scheduled' || p.status === 'draft'));
  const plannedHere = new Set(scheduled.map((p) => p.id));
  return {
    incident: final,
    changed,
    scheduled: scheduled.filter((p) => stillScheduled(p.id)),
    cancelled: cancelled.filter((p) => !plannedHere.has(p.id)),
    marks: next,
  };
}
