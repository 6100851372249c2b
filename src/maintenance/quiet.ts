/**
 * No false outage during planned work. While a window is in progress (and for a grace period after
 * its end), what an alert for the same service and a covered impact planned is recorded in the
 * incident, withdrawn, and not announced: followers know already. An alert for an impact the
 * window does not cover, or one still firing once the window has overrun its grace period, is
 * announced as usual, as a reply in the maintenance thread of that account. Pure.
 */
import { accountOf, onAccount, projection, type AccountId } from '../incidents/accounts.ts';
import type { AlertEvent, Feature, Incident, Post } from '../incidents/model.ts';
import { newPost, type Applied } from '../incidents/rules.ts';
import { effectiveEnd, isMaintenance } from './window.ts';

/** What the incident worker needs to know of a window, read ahead of applying events. */
export interface QuietWindow {
  key: string;
  service: string;
  features: readonly Feature[];
  startsMs: number;
  /** The effective end (a person's "done" wins). */
  endsMs: number;
  /** The latest tweet of the window's thread on each account: where an outage of the same service replies. */
  threads: ReadonlyMap<AccountId, string>;
}

/** How long after a window an outage of the same service is still told in its thread. */
export const RELATED_AFTER_MS = 3600_000;
/** Starts the note of a post withdrawn because a window covered it; the record keeps why. */
export const QUIET_NOTE = 'not announced: scheduled maintenance';

const normalise = (service: string): string => service.trim().replace(/\s+/g, ' ').toLowerCase();

/** The window as the worker sees it, or undefined when it can no longer matter (cancelled). */
export function quietWindowOf(incident: Incident): QuietWindow | undefined {
  if (!isMaintenance(incident) || incident.maintenance.cancelledAt !== undefined) return undefined;
  const window = incident.maintenance;
  const threads = new Map<AccountId, string>();
  for (const p of incident.posts) if (p.status === 'posted' && p.tweetId) threads.set(accountOf(p), p.tweetId);
  return { key: incident.key, service: window.service, features: window.impacts.map((i) => i.feature), startsMs: Date.parse(window.startsAt), endsMs: Date.parse(effectiveEnd(window)), threads };
}

export type WindowMatch = { window: QuietWindow; quiet: boolean };

/** The window an event falls in, if any: `quiet` when it covers the event, related otherwise. */
export function matchWindow(windows: readonly QuietWindow[], event: Pick<AlertEvent, 'service' | 'feature' | 'receivedAt'>, graceMs: number): WindowMatch | undefined {
  const t = Date.parse(event.receivedAt);
  const service = normalise(event.service);
  const same = windows.filter((w) => normalise(w.service) === service && w.startsMs <= t && t < w.endsMs + graceMs + RELATED_AFTER_MS);
  const covering = same.find((w) => w.features.includes(event.feature) && t < w.endsMs + graceMs);
  if (covering) return { window: covering, quiet: true };
  const latest = same.sort((a, b) => b.startsMs - a.startsMs)[0];
  return latest && { window: latest, quiet: false };
}

const isOpening = (p: Post): boolean => p.kind === 'open' || p.kind === 'reopened';
const quieted = (p: Post): boolean => p.status === 'cancelled' && (p.note ?? '').startsWith(QUIET_NOTE);

function replace(incident: Incident, changed: readonly Post[]): Incident {
  const byId = new Map(changed.map((p) => [p.id, p]));
  return { ...incident, posts: incident.posts.map((p) => byId.get(p.id) ?? p) };
}

/** Withdraws everything the event planned, saying which window covered it. */
function silence(applied: Applied, window: QuietWindow, event: AlertEvent): Applied {
  if (applied.scheduled.length === 0) return applied;
  const note = `${QUIET_NOTE} ${window.key} covers ${event.service} ${event.feature}`;
  const withdrawn = applied.scheduled.map((p): Post => ({ ...p, status: 'cancelled', note }));
  const incident = replace(applied.incident, withdrawn);
  const audit = [...(incident.audit ?? []), { at: event.receivedAt, actor: 'herald', action: 'recorded during maintenance', reason: note }];
  return { ...applied, incident: { ...incident, audit }, scheduled: [], cancelled: [...applied.cancelled, ...withdrawn] };
}

/**
 * An incident whose announcement a window held back, still open after the window (an overrun) or
 * for what it does not cover: announce it at `atIso` + `graceMs` on each account that held it.
 */
function announceHeldBack(applied: Applied, atIso: string, graceMs: number): Applied {
  const { incident } = applied;
  if (incident.state !== 'open') return applied;
  const held = incident.posts.filter((p) => isOpening(p) && quieted(p));
  if (held.length === 0 || incident.posts.some((p) => isOpening(p) && !quieted(p) && p.status !== 'cancelled' && p.status !== 'failed')) return applied;
  let next = incident;
  const scheduled: Post[] = [];
  for (const account of new Set(held.map(accountOf))) {
    const due = new Date(Date.parse(atIso) + graceMs).toISOString();
    const post = newPost(projection(next, account), 'open', due);
    const adopted = onAccount(post, account);
    next = { ...next, posts: [...next.posts, adopted] };
    scheduled.push(adopted);
  }
  return { ...applied, incident: next, changed: true, scheduled: [...applied.scheduled, ...scheduled] };
}

/** Threads the outage's first posts under the window's latest tweet on the same account. */
function inThread(applied: Applied, window: QuietWindow): Applied {
  const threaded = applied.scheduled.map((p) => {
    const tweet = window.threads.get(accountOf(p));
    return isOpening(p) && p.replyTo === undefined && tweet !== undefined ? { ...p, replyTo: tweet } : p;
  });
  return { ...applied, incident: replace(applied.incident, threaded), scheduled: threaded };
}

/** What the maintenance windows make of what one event planned. `graceMs` also delays a late announcement. */
export function quietDuringMaintenance(applied: Applied, event: AlertEvent, windows: readonly QuietWindow[], graceMs: { maintenance: number; open: number }): Applied {
  if (applied.incident.topic !== undefined) return applied;
  const match = matchWindow(windows, event, graceMs.maintenance);
  if (!match) return applied;
  // An outage followers already heard of goes on being told (its updates, its resolution).
  const said = applied.incident.posts.some((p) => p.status === 'posted' || p.status === 'sending');
  if (match.quiet) return said ? applied : silence(applied, match.window, event);
  if (event.status === 'resolved') return applied;
  return inThread(announceHeldBack(applied, event.receivedAt, graceMs.open), match.window);
}

/**
 * The window is over, grace period included: an outage it held back that is still open is
 * announced now, in its thread (monitoring repeats firing alerts with the same content, which
 * herald drops as repeats, so waiting for the next alert could mean waiting for ever).
 */
export function announceOverrun(incident: Incident | null, window: QuietWindow, atIso: string): Applied | undefined {
  if (!incident || incident.topic !== undefined || incident.state !== 'open') return undefined;
  if (!incident.posts.some((p) => quieted(p) && (p.note ?? '').includes(window.key))) return undefined;
  const applied = announceHeldBack({ incident, changed: false, scheduled: [], cancelled: [] }, atIso, 0);
  return applied.scheduled.length > 0 ? inThread(applied, window) : undefined;
}
