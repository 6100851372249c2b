/**
 * Scheduled maintenance: what a window's state is at a given time. Pure: the window is plain data
 * kept in its thread's incident record (`Incident.maintenance`; its types are the model's,
 * incidents/model.ts), times are ISO strings and "now" is always an argument.
 */
import { Duration } from 'luxon';
import type { Incident, MaintenanceWindow, Post } from '../incidents/model.ts';

export type MaintenanceState = 'scheduled' | 'announced' | 'in-progress' | 'done' | 'cancelled';

export const DEFAULT_ANNOUNCE_AHEAD = ['PT24H', 'PT1H'];

const ms = (iso: string): number => Date.parse(iso);

/** Milliseconds of an ISO-8601 duration, or undefined when it is not one (or not positive). */
export function durationMs(iso: string): number | undefined {
  const d = Duration.fromISO(iso);
  if (!d.isValid) return undefined;
  const total = d.as('milliseconds');
  return Number.isFinite(total) && total > 0 ? total : undefined;
}

/** When the window really ends: a person's "done" before the planned end wins. */
export function effectiveEnd(window: MaintenanceWindow): string {
  return window.finishedAt !== undefined && ms(window.finishedAt) < ms(window.endsAt) ? window.finishedAt : window.endsAt;
}

/** Is, or may already be, on the account. */
export const isSaid = (post: Post): boolean => post.status === 'posted' || post.status === 'sending';

/**
 * The window's state at `nowMs`: in progress from its start to the second, done at its end (or
 * when a person finished it), announced once any notice of its thread went out.
 */
export function windowState(incident: Incident, nowMs: number): MaintenanceState {
  const window = incident.maintenance!;
  if (window.cancelledAt !== undefined) return 'cancelled';
  if (nowMs >= ms(effectiveEnd(window))) return 'done';
  if (nowMs >= ms(window.startsAt)) return 'in-progress';
  return incident.posts.some(isSaid) ? 'announced' : 'scheduled';
}

export const isMaintenance = (incident: Incident | null): incident is Incident & { maintenance: MaintenanceWindow } =>
  incident?.topic === 'maintenance' && incident.maintenance !== undefined;
