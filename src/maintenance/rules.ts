/**
 * The thread of a maintenance window on every account: which notices go out when, and what
 * moving, extending, finishing or cancelling the window adds to it. Pure: the incident record in,
 * the next record and the posts to queue or drop out; `nowMs` is the only clock.
 *
 * A thread is planned whole when the window is scheduled (every post with its due time, so each
 * gets a BullMQ delayed job); a change withdraws the posts not yet due and plans the rest again.
 */
import { accountOf, DEFAULT_ACCOUNT, mergeProjection, onAccount, projection, type AccountId, type AccountIds } from '../incidents/accounts.ts';
import type { Incident, MaintenanceWindow, NoticeKind, Post } from '../incidents/model.ts';
import { durationMs, effectiveEnd, isSaid, windowState } from './window.ts';

export interface Planned {
  incident: Incident;
  /** New posts: each needs a delivery job. */
  scheduled: Post[];
  /** Posts withdrawn: their delivery jobs may be dropped. */
  cancelled: Post[];
}

/** A change the window's state does not allow, in words for the 409. */
export class MaintenanceRefusal extends Error {
  override readonly name = 'MaintenanceRefusal';
}

const ms = (iso: string): number => Date.parse(iso);
const iso = (n: number): string => new Date(n).toISOString();
const pending = (p: Post): boolean => p.status === 'scheduled' || p.status === 'draft';

/**
 * The notices a thread that has said nothing yet needs, in order: ahead notices whose moment has
 * passed collapse into one at `nowMs`; with no ahead notice at all, the start is the root.
 */
export function freshNotices(window: MaintenanceWindow, nowMs: number): { kind: NoticeKind; dueMs: number }[] {
  const startMs = ms(window.startsAt);
  const notices: { kind: NoticeKind; dueMs: number }[] = [];
  if (nowMs < startMs) notices.push(...aheadNotices(window, nowMs, true));
  notices.push({ kind: 'starting', dueMs: Math.max(startMs, nowMs) });
  notices.push({ kind: 'done', dueMs: ms(window.endsAt) });
  return notices;
}

/** Ahead notices still to come after `nowMs`; with `collapsePast`, those already due become one now. */
function aheadNotices(window: MaintenanceWindow, nowMs: number, collapsePast: boolean): { kind: NoticeKind; dueMs: number }[] {
  const startMs = ms(window.startsAt);
  const moments = [...new Set(window.announceAhead.map((d) => startMs - (durationMs(d) ?? 0)))].filter((m) => m < startMs).sort((a, b) => a - b);
  const future = moments.filter((m) => m > nowMs).map((dueMs) => ({ kind: 'ahead' as const, dueMs }));
  return collapsePast && moments.some((m) => m <= nowMs) ? [{ kind: 'ahead', dueMs: nowMs }, ...future] : future;
}

function addNotices(thread: Incident, notices: { kind: NoticeKind; dueMs: number }[], account: AccountId): { thread: Incident; added: Post[] } {
  const window = thread.maintenance!;
  const hasRoot = thread.posts.some((p) => p.root === true && (isSaid(p) || pending(p)));
  const added: Post[] = [];
  let posts = thread.posts;
  for (const { kind, dueMs } of notices) {
    const n = posts.filter((p) => p.notice?.kind === kind).length + 1;
    const first = !hasRoot && added.length === 0;
    const post = onAccount({
      id: `${kind}-${n}`,
      kind: 'announcement',
      status: 'scheduled',
      dueAt: iso(dueMs),
      attempts: 0,
      notice: { kind, startsAt: window.startsAt, endsAt: window.endsAt },
      ...(first && { root: true }),
    }, account);
    posts = [...posts, post];
    added.push(post);
  }
  return { thread: { ...thread, posts }, added };
}

/** Withdraws the thread's posts not out yet and not due by `nowMs` (those due go out in seconds). */
function withdraw(thread: Incident, nowMs: number, why: string, also: (p: Post) => boolean = () => false): { thread: Incident; cancelled: Post[] } {
  const cancelled: Post[] = [];
  const posts = thread.posts.map((p) => {
    if (!pending(p) || (ms(p.dueAt) <= nowMs && !also(p))) return p;
    const c: Post = { ...p, status: 'cancelled', note: why };
    cancelled.push(c);
    return c;
  });
  return { thread: { ...thread, posts }, cancelled };
}

/** Runs `change` on each account's thread and merges the results. */
function perAccount(incident: Incident, accounts: AccountIds, change: (thread: Incident, account: AccountId) => { thread: Incident; added: Post[]; cancelled: Post[] }): Planned {
  let whole = incident;
  const scheduled: Post[] = [];
  const cancelled: Post[] = [];
  for (const account of accounts) {
    const result = change(projection(whole, account), account);
    whole = mergeProjection({ ...whole, maintenance: result.thread.maintenance }, result.thread, account);
    scheduled.push(...result.added);
    cancelled.push(...result.cancelled);
  }
  return { incident: whole, scheduled, cancelled };
}

/** A new window's thread on every account. */
export function scheduleWindow(key: string, window: MaintenanceWindow, accounts: AccountIds, nowMs: number): Planned {
  const incident: Incident = {
    key,
    service: window.service,
    feature: window.impacts[0]?.feature ?? 'other',
    // Not an outage: never open (status page, follow-ups and journal leave it alone); the approval
    // policy sees it as minor from source `maintenance`.
    severity: 'minor',
    state: 'resolved',
    openedAt: window.startsAt,
    resolvedAt: window.endsAt,
    firstSeenAt: iso(nowMs),
    events: 0,
    posts: [],
    topic: 'maintenance',
    maintenance: window,
  };
  return perAccount(incident, accounts, (thread, account) => ({ ...addNotices(thread, freshNotices(window, nowMs), account), cancelled: [] }));
}

/** The accounts a window's thread runs on: those it was planned for. */
function accountsOf(incident: Incident): AccountIds {
  const ids = [...new Set(incident.posts.map(accountOf))];
  return ids.length === 0 ? [DEFAULT_ACCOUNT] : ids;
}

/** Moves or extends the window. Before the start it may move; once started only its end may change. */
export function changeWindow(incident: Incident, change: { startsAt?: string; endsAt?: string }, nowMs: number): Planned {
  const before = incident.maintenance!;
  const state = windowState(incident, nowMs);
  if (state === 'done' || state === 'cancelled') throw new MaintenanceRefusal(`the window is ${state}: schedule a new one`);
  const window: MaintenanceWindow = { ...before, ...change };
  const started = state === 'in-progress';
  if (started && window.startsAt !== before.startsAt) throw new MaintenanceRefusal('the window has started: only its end can change (endsAt)');
  if (ms(window.endsAt) <= ms(window.startsAt)) throw new MaintenanceRefusal('endsAt must be after startsAt');
  if (ms(window.endsAt) <= nowMs) throw new MaintenanceRefusal('endsAt must be in the future: to finish it now, POST …/done');
  const next: Incident = { ...incident, maintenance: window, openedAt: window.startsAt, resolvedAt: window.endsAt };
  return perAccount(next, accountsOf(incident), (thread, account) => {
    const out = withdraw(thread, nowMs, 'the window changed', (p) => p.notice?.kind === 'done');
    const said = out.thread.posts.some((p) => isSaid(p) || (pending(p) && ms(p.dueAt) <= nowMs));
    let notices: { kind: NoticeKind; dueMs: number }[];
    if (!said) notices = freshNotices(window, nowMs);
    else if (started) {
      const extended = ms(window.endsAt) > ms(before.endsAt) ? [{ kind: 'extended' as const, dueMs: nowMs }] : [];
      notices = [...extended, { kind: 'done', dueMs: ms(window.endsAt) }];
    } else {
      notices = [{ kind: 'moved', dueMs: nowMs }, ...aheadNotices(window, nowMs, false), { kind: 'starting', dueMs: ms(window.startsAt) }, { kind: 'done', dueMs: ms(window.endsAt) }];
    }
    return { ...addNotices(out.thread, notices, account), cancelled: out.cancelled };
  });
}

/** A person says the work is over, before the planned end: "done" goes out now. */
export function finishWindow(incident: Incident, nowMs: number): Planned {
  const state = windowState(incident, nowMs);
  if (state !== 'in-progress') {
    throw new MaintenanceRefusal(state === 'scheduled' || state === 'announced' ? 'the window has not started: cancel it instead' : `the window is ${state} already`);
  }
  const next: Incident = { ...incident, maintenance: { ...incident.maintenance!, finishedAt: iso(nowMs) } };
  return perAccount(next, accountsOf(incident), (thread, account) => {
    const out = withdraw(thread, nowMs, 'finished early', (p) => p.notice?.kind === 'done');
    return { ...addNotices(out.thread, [{ kind: 'done', dueMs: nowMs }], account), cancelled: out.cancelled };
  });
}

/** Calls the window off before it starts: a reply if followers heard of it, otherwise silence. */
export function cancelWindow(incident: Incident, nowMs: number): Planned {
  const state = windowState(incident, nowMs);
  if (state === 'in-progress') throw new MaintenanceRefusal('the window has started: finish it instead (POST …/done)');
  if (state !== 'scheduled' && state !== 'announced') throw new MaintenanceRefusal(`the window is ${state} already`);
  const next: Incident = { ...incident, maintenance: { ...incident.maintenance!, cancelledAt: iso(nowMs) } };
  return perAccount(next, accountsOf(incident), (thread, account) => {
    const out = withdraw(thread, nowMs, 'the window was cancelled');
    const said = out.thread.posts.some((p) => isSaid(p) || (pending(p) && ms(p.dueAt) <= nowMs));
    if (!said) return { thread: out.thread, added: [], cancelled: out.cancelled };
    return { ...addNotices(out.thread, [{ kind: 'cancelled', dueMs: nowMs }], account), cancelled: out.cancelled };
  });
}

/** The window as the API shows it: effective end included. */
export const windowEnd = (incident: Incident): string => effectiveEnd(incident.maintenance!);
