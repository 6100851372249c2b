/**
 * How far an event's `at` may lie from its arrival before herald distrusts it: tweets say "since
 * <time>" and "lasted <duration>", and a clock years off (a tool's zero time, a typo, a skewed
 * host) must never reach them. Pure; the ingest route applies it to webhooks, the incident worker
 * to every job it reads from the events queue (event.ts).
 */
export interface TimeBounds {
  futureMs: number;
  pastMs: number;
}

export const DEFAULT_TIME_BOUNDS: TimeBounds = { futureMs: 10 * 60_000, pastMs: 7 * 24 * 3600_000 };

/** Why `at` is not believable, or undefined when it is. */
export function implausibleTime(at: string, receivedAt: string, bounds: TimeBounds): string | undefined {
  const ms = Date.parse(at);
  const arrival = Date.parse(receivedAt);
  if (!Number.isFinite(ms)) return `${at} is not a time`;
  if (ms > arrival + bounds.futureMs) return `${at} is more than ${Math.round(bounds.futureMs / 60_000)} minutes after it arrived (${receivedAt}); check the sender's clock`;
  if (ms < arrival - bounds.pastMs) return `${at} is more than ${Math.round(bounds.pastMs / 86_400_000)} days before it arrived (${receivedAt}); send the current time or leave "at" out`;
  return undefined;
}
