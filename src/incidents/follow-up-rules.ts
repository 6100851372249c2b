import { accountOf, accountsIn, DEFAULT_ACCOUNT, mergeProjection, onAccount, projection } from './accounts.ts';
import { followUpsOn, nextFollowUpMs, zoneOf, type FollowUpSchedule } from './follow-up-schedule.ts';
import type { Incident, Post } from './model.ts';
import { newPost, threadRoot } from './rules.ts';

/**
 * When herald posts a "still on it" under an open incident's thread by itself, so followers know
 * it is being worked on. Pure, like `rules.ts`: a follow-up is due when the latest post of the
 * thread promised the next one (else when the schedule says, follow-up-schedule.ts), only while
 * the incident is open, its thread exists and nothing else of it is waiting to go out. Each account's thread has its own
 * follow-ups (see accounts.ts).
 */

export interface FollowUpTimer {
  /** The post the follow-up comes after; the timer is stale once a later post is live. */
  afterPostId: string;
  dueAt: string;
}

export type FollowUpDecision =
  | { action: 'schedule'; post: Post }
  | { action: 'wait'; untilMs: number }
  | { action: 'skip'; reason: string };

const pending = (p: Post) => p.status === 'scheduled' || p.status === 'sending' || p.status === 'draft';

/** The latest live post of the incident (posts go out in the order they were planned). */
function latestPosted(incident: Incident): Post | undefined {
  return incident.posts.filter((p) => p.status === 'posted' && p.postedAt !== undefined).at(-1);
}

function blocked(incident: Incident | null, schedule: FollowUpSchedule): string | undefined {
  if (!followUpsOn(schedule)) return 'follow-ups are off';
  if (!incident) return 'no such incident';
  if (incident.state !== 'open') return 'the incident is resolved';
  if (!threadRoot(incident)) return 'nothing was announced yet';
  if (incident.posts.some(pending)) return 'another post of the incident is on its way';
  const last = latestPosted(incident)!;
  // A follow-up X refused for good needs a person; herald does not keep trying it every cadence.
  const after = incident.posts.slice(incident.posts.indexOf(last) + 1);
  if (after.some((p) => p.kind === 'update' && p.status === 'failed')) return 'the last follow-up failed';
  return undefined;
}

/** The follow-up one account's thread waits for now, if any. */
function dueInThread(incident: Incident, schedule: FollowUpSchedule): FollowUpTimer | undefined {
  if (blocked(incident, schedule)) return undefined;
  const last = latestPosted(incident)!;
  const dueMs = last.nextUpdateAt ? Date.parse(last.nextUpdateAt) : nextFollowUpMs(schedule, Date.parse(incident.openedAt), Date.parse(last.postedAt!), zoneOf(schedule, accountOf(last)))!;
  return { afterPostId: last.id, dueAt: new Date(dueMs).toISOString() };
}

/** The follow-up of the default account's thread, if one is due (see `followUpsDue` for all). */
export function followUpDue(incident: Incident | null, schedule: FollowUpSchedule): FollowUpTimer | undefined {
  return incident ? dueInThread(projection(incident, DEFAULT_ACCOUNT), schedule) : undefined;
}

/** The follow-ups the incident waits for now, one per account thread: what to arm after a post went out. */
export function followUpsDue(incident: Incident | null, schedule: FollowUpSchedule): FollowUpTimer[] {
  if (!incident) return [];
  return accountsIn(incident).flatMap((account) => dueInThread(projection(incident, account), schedule) ?? []);
}

/** Decides, when a timer fires, whether to schedule the follow-up now; the new post promises the next one. */
export function planFollowUp(
  incident: Incident | null,
  timer: { afterPostId: string; nowMs: number; schedule: FollowUpSchedule },
): { incident: Incident | null; decision: FollowUpDecision } {
  const after = incident?.posts.find((p) => p.id === timer.afterPostId);
  const account = after ? accountOf(after) : DEFAULT_ACCOUNT;
  const thread = incident && projection(incident, account);
  const reason = blocked(thread, timer.schedule);
  if (reason) return { incident, decision: { action: 'skip', reason } };
  const due = dueInThread(thread!, timer.schedule)!;
  if (due.afterPostId !== timer.afterPostId) return { incident, decision: { action: 'skip', reason: 'a later post is live; its own timer follows it' } };
  const dueMs = Date.parse(due.dueAt);
  if (timer.nowMs < dueMs) return { incident, decision: { action: 'wait', untilMs: dueMs } };
  const now = new Date(timer.nowMs).toISOString();
  const planned = newPost(thread!, 'update', now);
  const post: Post = { ...onAccount(planned, account), nextUpdateAt: new Date(nextFollowUpMs(timer.schedule, Date.parse(thread!.openedAt), timer.nowMs, zoneOf(timer.schedule, account))!).toISOString() };
  return { incident: mergeProjection(incident!, { ...thread!, posts: [...thread!.posts, post] }, account), decision: { action: 'schedule', post } };
}
