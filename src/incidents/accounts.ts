/**
 * Several accounts announce the same incident, each in its own thread. A post names its account
 * (`Post.account`; undefined is the default account) and the rules written for one account run
 * unchanged on each account's *projection* of the incident: the same incident with only that
 * account's posts. The results are merged back. Pure.
 *
 * Post ids stay unique across accounts: the default account's are as before (`open-1`), another
 * account's carry its id (`ja.open-1`).
 */
import { claimPost, type Attempt, type Claim, type Composer } from './delivery-rules.ts';
import type { AlertEvent, Incident, Post } from './model.ts';
import { applyEvent, type Applied, type IncidentRules } from './rules.ts';

/** Account ids in order; `undefined` is the default account and comes first. */
export type AccountIds = readonly (string | undefined)[];

export const postIdFor = (account: string | undefined, id: string): string => (account === undefined || id.startsWith(`${account}.`) ? id : `${account}.${id}`);

/** The incident as the single-account rules see it for `account`. */
export function projection(incident: Incident, account: string | undefined): Incident {
  return { ...incident, posts: incident.posts.filter((p) => p.account === account) };
}

/** Names the posts a projection's rules created after their account. */
function adopt(post: Post, account: string | undefined): Post {
  if (account === undefined) return post;
  return { ...post, id: postIdFor(account, post.id), account };
}

/** `applyEvent` for every account: each account's thread follows the same rules on its own. */
export function applyEventToAccounts(current: Incident | null, event: AlertEvent, rules: IncidentRules, accounts: AccountIds): Applied {
  if (accounts.length <= 1 && accounts[0] === undefined) return applyEvent(current, event, rules);
  const results = accounts.map((account) => {
    const applied = applyEvent(current && projection(current, account), event, rules);
    return {
      applied,
      posts: applied.incident.posts.map((p) => adopt(p, account)),
      scheduled: applied.scheduled.map((p) => adopt(p, account)),
      cancelled: applied.cancelled.map((p) => adopt(p, account)),
    };
  });
  // Incident-level facts (state, times, severity) do not depend on posts but for the reopen
  // choice; the default account's reading is kept.
  const lead = results[0]!.applied;
  let posts: Post[] = current?.posts ?? [];
  accounts.forEach((account, i) => (posts = mergePosts(posts, results[i]!.posts, account)));
  return {
    incident: { ...lead.incident, posts },
    changed: results.some((r) => r.applied.changed),
    scheduled: results.flatMap((r) => r.scheduled),
    cancelled: results.flatMap((r) => r.cancelled),
  };
}

/** Rules change posts in place or append them: keep every post where it was, new ones last. */
function mergePosts(whole: readonly Post[], mine: readonly Post[], account: string | undefined): Post[] {
  let i = 0;
  const merged = whole.map((p) => (p.account === account ? (mine[i++] ?? p) : p));
  return [...merged, ...mine.slice(i)];
}

/** Puts a changed projection back into the whole incident, keeping the other accounts' posts. */
export function mergeProjection(whole: Incident, changed: Incident, account: string | undefined): Incident {
  return { ...changed, posts: mergePosts(whole.posts, changed.posts.map((p) => adopt(p, account)), account) };
}

/** `claimPost` within the post's own account: its thread, and only its own earlier posts to wait for. */
export function claimPostInAccount(
  incident: Incident | null,
  postId: string,
  nowMs: number,
  compose: Composer,
  attempt?: Attempt,
): { incident: Incident | null; claim: Claim } {
  const post = incident?.posts.find((p) => p.id === postId);
  if (!incident || !post) return claimPost(incident, postId, nowMs, compose, attempt);
  const claimed = claimPost(projection(incident, post.account), postId, nowMs, compose, attempt);
  return { incident: claimed.incident && mergeProjection(incident, claimed.incident, post.account), claim: claimed.claim };
}

/** The accounts that have posts in the incident, default first. */
export function accountsIn(incident: Incident): AccountIds {
  const ids = new Set(incident.posts.map((p) => p.account));
  // sort() would move undefined to the end whatever the comparator says.
  const named = [...ids].filter((id): id is string => id !== undefined).sort();
  return ids.has(undefined) ? [undefined, ...named] : named;
}
