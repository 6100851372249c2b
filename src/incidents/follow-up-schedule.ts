/**
 * How often herald says "still on it" as an outage ages. Pure. Followers need news often while an
 * outage is young and the team is still finding out; a day-long outage posting every half hour
 * through the night buries the tweets that matter (docs/configuration.md, HERALD_FOLLOWUP_SCHEDULE).
 * A change of phase or facts is posted at once whatever the schedule says (rules.ts).
 */
import { DateTime } from 'luxon';
import type { AccountId } from './accounts.ts';

/** Every `everyMs` until the outage is `untilMs` old; the last step has no end. */
export interface PaceStep {
  everyMs: number;
  untilMs?: number;
}

/** The audience's night: from `fromHour` to `toHour` in their zone, follow-ups no more often than `everyMs`. */
export interface QuietHours {
  fromHour: number;
  toHour: number;
  everyMs: number;
}

export interface FollowUpSchedule {
  /** In order of age; empty: no follow-ups. */
  steps: readonly PaceStep[];
  quiet?: QuietHours;
  /** The zone quiet hours are read in: the default account's audience's. */
  zone?: string;
  /** Each account's audience's zone, by account id (each account's thread keeps its own nights); `zone` for one not listed. */
  accountZones?: Readonly<Record<string, string>>;
}

/** The zone an account's audience reads times in, for its quiet hours. */
export const zoneOf = (schedule: FollowUpSchedule, account: AccountId): string => schedule.accountZones?.[account] ?? schedule.zone ?? 'UTC';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Every 30 min for the first 2 h, hourly until 6 h, then every 2 h; at night (0-7 h) every 2 h at most. */
export const DEFAULT_FOLLOW_UPS: FollowUpSchedule = Object.freeze({
  steps: [
    { everyMs: 30 * MINUTE, untilMs: 2 * HOUR },
    { everyMs: HOUR, untilMs: 6 * HOUR },
    { everyMs: 2 * HOUR },
  ],
  quiet: { fromHour: 0, toHour: 7, everyMs: 2 * HOUR },
});

export const NO_FOLLOW_UPS: FollowUpSchedule = Object.freeze({ steps: [] });

/** One cadence at every age and hour (HERALD_FOLLOWUP_MINUTES); 0 or less: none. */
export const fixedCadence = (everyMs: number): FollowUpSchedule => (everyMs > 0 ? { steps: [{ everyMs }] } : NO_FOLLOW_UPS);

export const followUpsOn = (schedule: FollowUpSchedule): boolean => schedule.steps.length > 0;

function inQuietHours(at: DateTime, quiet: QuietHours): boolean {
  const { hour } = at;
  return quiet.fromHour <= quiet.toHour ? hour >= quiet.fromHour && hour < quiet.toHour : hour >= quiet.fromHour || hour < quiet.toHour;
}

/**
 * When the follow-up after a post made at `fromMs` is due, for an outage open since `openedAtMs`;
 * undefined when follow-ups are off. At night the gap stretches to the quiet cadence, but never
 * past the morning: the first follow-up after the night comes when it ends.
 */
export function nextFollowUpMs(schedule: FollowUpSchedule, openedAtMs: number, fromMs: number, zone = schedule.zone ?? 'UTC'): number | undefined {
  if (!followUpsOn(schedule)) return undefined;
  const age = Math.max(0, fromMs - openedAtMs);
  const step = schedule.steps.find((s) => s.untilMs === undefined || age < s.untilMs) ?? schedule.steps.at(-1)!;
  const due = fromMs + step.everyMs;
  const quiet = schedule.quiet;
  if (!quiet || step.everyMs >= quiet.everyMs) return due;
  const dueLocal = DateTime.fromMillis(due, { zone });
  if (!inQuietHours(dueLocal, quiet)) return due;
  // The night's end after `due` (today's or tomorrow's `toHour`).
  let morning = dueLocal.set({ hour: quiet.toHour, minute: 0, second: 0, millisecond: 0 });
  if (morning.toMillis() <= due) morning = morning.plus({ days: 1 });
  return Math.max(due, Math.min(fromMs + quiet.everyMs, morning.toMillis()));
}

/**
 * Parses HERALD_FOLLOWUP_SCHEDULE (`30m until 2h, 1h until 6h, 2h`) and HERALD_FOLLOWUP_QUIET
 * (`00-07 2h`, or `off`). Returns the schedule, or the problem in words.
 */
export function parseFollowUpSchedule(steps: string, quiet: string): FollowUpSchedule | string {
  const parsedSteps: PaceStep[] = [];
  const parts = steps.split(',').map((s) => s.trim()).filter(Boolean);
  if (parts.length === 0) return 'name at least one cadence, e.g. "30m until 2h, 1h until 6h, 2h"';
  for (const [i, part] of parts.entries()) {
    const m = /^(\S+)(?:\s+until\s+(\S+))?$/i.exec(part);
    const everyMs = m ? durationMs(m[1]!) : undefined;
    const untilMs = m?.[2] === undefined ? undefined : durationMs(m[2]);
    if (!m || everyMs === undefined || (m[2] !== undefined && untilMs === undefined)) return `"${part}" is not "<every> until <age>" with durations such as 30m, 1h, 1h30m`;
    const last = i === parts.length - 1;
    if (last !== (untilMs === undefined)) return last ? `the last step ("${part}") has no "until": it runs to the end` : `"${part}" needs "until <age>": only the last step runs to the end`;
    const previous = parsedSteps.at(-1)?.untilMs ?? 0;
    if (untilMs !== undefined && untilMs <= previous) return `"${part}": each "until" must be later than the one before`;
    parsedSteps.push(untilMs === undefined ? { everyMs } : { everyMs, untilMs });
  }
  if (quiet.trim().toLowerCase() === 'off') return { steps: parsedSteps };
  const q = /^(\d{1,2})(?::00)?\s*-\s*(\d{1,2})(?::00)?\s+(\S+)$/.exec(quiet.trim());
  const everyMs = q ? durationMs(q[3]!) : undefined;
  const [fromHour, toHour] = q ? [Number(q[1]), Number(q[2])] : [NaN, NaN];
  if (!q || everyMs === undefined || fromHour > 23 || toHour > 24 || fromHour === toHour) return `"${quiet}" is not "<from hour>-<to hour> <every>" such as "00-07 2h", or "off"`;
  return { steps: parsedSteps, quiet: { fromHour, toHour: toHour % 24, everyMs } };
}

/** `30m`, `2h`, `1h30m` in ms; undefined unless positive. */
function durationMs(text: string): number | undefined {
  const m = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?$/i.exec(text);
  if (!m || (m[1] === undefined && m[2] === undefined)) return undefined;
  const ms = Math.round((Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * MINUTE);
  return ms > 0 ? ms : undefined;
}

/** The schedule in a few words, for `herald preview`: "follow-ups every 30 min until 2 h, ...". */
export function describeFollowUps(schedule: FollowUpSchedule): string {
  if (!followUpsOn(schedule)) return 'no follow-ups';
  const minutes = (ms: number) => `${Math.round(ms / MINUTE)} min`;
  const hours = (ms: number) => `${Math.round((ms / HOUR) * 10) / 10} h`;
  const steps = schedule.steps.map((s, i) => (s.untilMs === undefined ? `${i > 0 ? 'then ' : ''}${minutes(s.everyMs)}` : `${minutes(s.everyMs)} until ${hours(s.untilMs)}`));
  const quiet = schedule.quiet ? `; ${minutes(schedule.quiet.everyMs)} at least from ${schedule.quiet.fromHour}:00 to ${schedule.quiet.toHour}:00` : '';
  return `follow-ups every ${steps.join(', ')}${quiet}`;
}
