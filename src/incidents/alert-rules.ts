import type { AlertEvent, Incident } from './model.ts';
import { applyEvent, type Applied, type IncidentRules } from './rules.ts';

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

function fire(current: Incident | null, event: AlertEvent, rules: IncidentRules, last: AlertMark | null): AppliedAlert {
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

function settle(current: Incident | null, event: AlertEvent, rules: IncidentRules, last: AlertMark | null): AppliedAlert {
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
export function applyAlertEvent(current: Incident | null, event: AlertEvent, rules: IncidentRules, last: AlertMark | null): AppliedAlert {
  return event.status === 'resolved' ? settle(current, event, rules, last) : fire(current, event, rules, last);
}
