import type { IncomingEvent } from '../incidents/model.ts';
import { implausibleTime, type TimeBounds } from '../incidents/event-times.ts';

/**
 * For sources that cannot be told (a monitoring tool's fixed payload): an implausible time is
 * replaced by the arrival time, and the event says so (`timeReplaced`), for the journal.
 */
export function boundTimes(events: IncomingEvent[], bounds: TimeBounds): { events: IncomingEvent[]; replaced: { key: string; at: string; why: string }[] } {
  const replaced: { key: string; at: string; why: string }[] = [];
  const bounded = events.map((event) => {
    const why = implausibleTime(event.at, event.receivedAt, bounds);
    if (!why) return event;
    replaced.push({ key: event.key, at: event.at, why });
    return { ...event, at: event.receivedAt, timeReplaced: why };
  });
  return { events: bounded, replaced };
}
