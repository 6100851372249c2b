/**
 * What staff send to schedule or change a window, checked field by field so a 400 names every
 * problem. Pure: `nowMs` is an argument.
 */
import { z } from 'zod';
import { featureName, MAX_IMPACTS } from '../incidents/impacts.ts';
import type { MaintenanceWindow, WindowImpact } from '../incidents/model.ts';
import { publicServiceName } from '../incidents/service-name.ts';
import { normalizeIsoTime } from '../incidents/event.ts';
import { DEFAULT_ANNOUNCE_AHEAD, durationMs } from './window.ts';

const isoTime = z.string().refine((t) => normalizeIsoTime(t) !== undefined, 'an ISO-8601 time with an offset, such as 2026-05-20T02:00:00+09:00');
const impact = z.object({ feature: featureName, platforms: z.array(z.string().trim().min(1).max(40)).max(10).optional() }).strict();
const announceAhead = z
  .array(z.string().refine((d) => durationMs(d) !== undefined, 'an ISO-8601 duration such as PT24H or P1D'))
  .max(6, 'at most 6 notices ahead');

const utc = (t: string): string => new Date(Date.parse(normalizeIsoTime(t)!)).toISOString();

export const scheduleSchema = z
  .object({
    service: publicServiceName,
    feature: featureName.optional(),
    impacts: z.array(impact).min(1).max(MAX_IMPACTS).optional(),
    startsAt: isoTime,
    endsAt: isoTime,
    announceAhead: announceAhead.optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if ((v.feature === undefined) === (v.impacts === undefined)) ctx.addIssue({ code: 'custom', path: ['feature'], message: 'give feature or impacts (one of them)' });
  });

export const changeSchema = z
  .object({ startsAt: isoTime.optional(), endsAt: isoTime.optional() })
  .strict()
  .refine((v) => v.startsAt !== undefined || v.endsAt !== undefined, { message: 'give startsAt, endsAt or both', path: ['startsAt'] });

export type ScheduleInput = z.infer<typeof scheduleSchema>;

/** Field problems a valid schema cannot see: order of times, and the end already past. */
export function windowProblems(startsAt: string, endsAt: string, nowMs: number): string[] {
  const problems: string[] = [];
  if (Date.parse(endsAt) <= Date.parse(startsAt)) problems.push('endsAt: must be after startsAt');
  else if (Date.parse(endsAt) <= nowMs) problems.push('endsAt: must be in the future');
  return problems;
}

/** The window a checked request describes (times in UTC). */
export function windowFrom(input: ScheduleInput, nowMs: number): MaintenanceWindow {
  const impacts: WindowImpact[] = input.impacts ?? [{ feature: input.feature! }];
  return {
    service: input.service,
    impacts,
    startsAt: utc(input.startsAt),
    endsAt: utc(input.endsAt),
    announceAhead: input.announceAhead ?? DEFAULT_ANNOUNCE_AHEAD,
    createdAt: new Date(nowMs).toISOString(),
  };
}

export const changeFrom = (input: z.infer<typeof changeSchema>): { startsAt?: string; endsAt?: string } => ({
  ...(input.startsAt !== undefined && { startsAt: utc(input.startsAt) }),
  ...(input.endsAt !== undefined && { endsAt: utc(input.endsAt) }),
});
