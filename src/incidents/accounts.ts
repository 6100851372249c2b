/**
 * Several accounts announce the same incident, each in its own thread. A post names its account
 * (`Post.account`, read through `accountOf`) and the rules written for one account run
 * unchanged on each account's *projection* of the incident: the same incident with only that
 * account's posts. The results are merged back. Pure.
 *
 * Post ids stay unique across accounts: the default account's are as before (`open-1`), another
 * account's carry its id (`ja.open-1`).
 */
import { claimPost, type Attempt, type Claim, type Composer } from './delivery-rules.ts';
import type { AlertEvent, Incident, Post } from './model.ts';
import { applyEvent, type Applied, type IncidentRules } from './rules.ts';
import { accountOf, DEFAULT_ACCOUNT, type AccountId, type AccountIds } from './account-id.ts';

export { accountOf, DEFAULT_ACCOUNT, type AccountId, type AccountIds };

export const postIdFor = (account: AccountId, id: string): string => (account === DEFAULT_ACCOUNT || id.startsWith(`${account}.`) ? id : `${account}.${id}`);

/** The incident as the single-account rules see it for `account`. */
export function projection(incident: Incident, account: AccountId): Incident {
  return { ...incident, posts: incident.posts.filter((p) => accountOf(p) === account) };
}

/** A new post of `account`, named after it; the default account's is stored as before (see `accountOf`). */
export function onAccount(post: Post, account: AccountId): Post {
  if (account === DEFAULT_ACCOUNT) return post;
  return { ...post, id: postIdFor(account, post.id), account };
}

/** `applyEvent` for every account: each account's thread follows the same rules on its own. */
export function applyEventToAccounts(current: Incident | null, event: AlertEvent, rules: IncidentRules, accounts: AccountIds): Applied {
  if (accounts.length <= 1 && (accounts[0] ?? DEFAULT_ACCOUNT) === DEFAULT_ACCOUNT) return applyEvent(current, event, rules);
  const results = accounts.map((account) => {
    const applied = applyEvent(current && projection(current, account), event, rules);
    return {
      applied,
      posts: applied.incident.posts.map((p) => onAccount(p, account)),
      scheduled: applied.scheduled.map((p) => onAccount(p, account)),
      cancelled: applied.cancelled.map((p) => onAccount(p, account)),
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
function mergePosts(whole: readonly Post[], mine: readonly Post[], account: AccountId): Post[] {
  let i = 0;
  const merged = whole.map((p) => (accountOf(p) === account ? (mine[i++] ?? p) : p));
  return [...merged, ...mine.slice(i)];
}

/** Puts a changed projection back into the whole incident, keeping the other accounts' posts. */
export function mergeProjection(whole: Incident, changed: Incident, account: AccountId): Incident {
  return { ...changed, posts: mergePosts(whole.posts, changed.posts.map((p) => onAccount(p, account)), account) };
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
  const claimed = claimPost(projection(incident, accountOf(post)), postId, nowMs, compose, attempt);
  return { incident: claimed.incident && mergeProjection(incident, claimed.incident, accountOf(post)), claim: claimed.claim };
}

/** The accounts that have posts in the incident, default first. */
export function accountsIn(incident: Incident): AccountIds {
  return byDefaultFirst(incident.posts.map(accountOf));
}

/** Distinct ids, the default account first, the others in alphabetical order. */
export function byDefaultFirst(ids: Iterable<AccountId>): AccountId[] {
  const distinct = new Set(ids);
  const named = [...distinct].filter((id) => id !== DEFAULT_ACCOUNT).sort();
  return distinct.has(DEFAULT_ACCOUNT) ? [DEFAULT_ACCOUNT, ...named] : named;
}
