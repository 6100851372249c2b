import { replacePost, settleDraft } from './draft-rules.ts';
import type { Incident, Phase, Post } from './model.ts';
import { threadRoot } from './rules.ts';

/**
 * The delivery worker's side of the incident: which post may go out now, and what happened to it.
 * Pure, like `rules.ts`; the worker runs these inside the store's atomic update.
 */

export interface Draft {
  text: string;
  variant: number;
  /** The incident's phase the text speaks of: the next follow-up says what changed since. */
  phase?: Phase;
  /** The next update time the text promises: the follow-up timer keeps the promise. */
  nextUpdateAt?: string;
  /** The public note texts the text says, by language (PublicNote): a draft keeps them as `carriesNote`. */
  publicNote?: Record<string, string>;
}

/**
 * Which public note text a post may say: `current` only in a draft a person sees before it goes
 * out; `approved` (the default) in anything else, so no note goes public unapproved.
 */
export type NoteUse = 'current' | 'approved';

/** Turns a post into its text as of `nowMs`; throws when no variant can be posted (see compose/). */
export type Composer = (incident: Incident, post: Post, nowMs?: number, note?: NoteUse) => Draft;

export type Claim =
  | { action: 'skip'; reason: string }
  | { action: 'wait'; untilMs: number; reason: string }
  | { action: 'send'; post: Post }
  | { action: 'reconcile'; post: Post };

/** Who claims and for how long others must keep off (docs/delivery.md, "Never twice"). */
export interface Attempt {
  /** Unique per attempt; later changes to the post name it so a stale attempt cannot undo a newer one. */
  claim: string;
  /** How long the attempt may take at most (X's timeout plus a margin) before another may take over. */
  leaseMs: number;
}

// A post waiting for an earlier one is woken when that one is recorded; these bound the wait
// otherwise: short while the earlier one is being sent, longer while it waits itself. Then it
// backs off: each wait as long as it has waited so far (30 s, 30 s, 1, 2, 4 minutes...), at most
// 5 minutes, stretched by up to a fifth by the post's own key, so thousands of resolutions of
// outages never announced (the budget holds their announcements), resolved together, neither
// look again every 30 s nor all in the same second (docs/faults.md has the Redis load measured).
const WAIT_FOR_SENDING_MS = 1_000;
const WAIT_FOR_SCHEDULED_MS = 30_000;
const LONGEST_WAIT_FOR_SCHEDULED_MS = 5 * 60_000;
const SPREAD = 0.2;

/** A fraction in [0, 1) fixed by `id` (FNV-1a): spreads waits without a random number, so the rule stays pure. */
function spreadOf(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return (hash >>> 0) / 2 ** 32;
}

const waitForScheduled = (waitedMs: number, id: string) =>
  Math.round(Math.min(LONGEST_WAIT_FOR_SCHEDULED_MS, Math.max(WAIT_FOR_SCHEDULED_MS, waitedMs) * (1 + SPREAD * spreadOf(id))));
const DEFAULT_ATTEMPT: Attempt = { claim: 'claim', leaseMs: 60_000 };

function find(incident: Incident | null, postId: string): Post | undefined {
  return incident?.posts.find((p) => p.id === postId);
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Decides whether `postId` goes out now and, if so, marks it `sending` with its text under a
 * lease. A post found `sending` was claimed before: while its lease runs the attempt may still be
 * talking to X, so this one waits; after it, the outcome is unknown and must be reconciled, and
 * this attempt takes the post over (a new claim and lease, so only one worker reconciles).
 */
export function claimPost(
  incident: Incident | null,
  postId: string,
  nowMs: number,
  compose: Composer,
  attempt: Attempt = DEFAULT_ATTEMPT,
): { incident: Incident | null; claim: Claim } {
  let post = find(incident, postId);
  if (!incident || !post) return { incident, claim: { action: 'skip', reason: 'no such post' } };
  if (post.status === 'draft') {
    // Waits for a person until its deadline; then the approval rule posts it anyway or lets it expire.
    const settled = settleDraft(incident, post, nowMs);
    if (settled.action === 'wait') return { incident, claim: { action: 'wait', untilMs: settled.untilMs, reason: 'waiting for approval' } };
    if (settled.action === 'expired') return { incident: settled.incident, claim: { action: 'skip', reason: settled.post.note! } };
    ({ incident, post } = settled);
  }
  if (post.status === 'sending') {
    const leaseEnds = post.leaseUntil ? Date.parse(post.leaseUntil) : 0;
    if (nowMs < leaseEnds) return { incident, claim: { action: 'wait', untilMs: leaseEnds, reason: 'an earlier attempt may still be talking to X' } };
    const taken: Post = { ...post, claim: attempt.claim, leaseUntil: iso(nowMs + attempt.leaseMs), uncertain: true };
    return { incident: replacePost(incident, taken), claim: { action: 'reconcile', post: taken } };
  }
  if (post.status !== 'scheduled') return { incident, claim: { action: 'skip', reason: `post is ${post.status}` } };

  const due = Date.parse(post.dueAt);
  if (nowMs < due) return { incident, claim: { action: 'wait', untilMs: due, reason: 'not due yet' } };
  const earlier = incident.posts.slice(0, incident.posts.indexOf(post));
  if (earlier.some((p) => p.status === 'scheduled' || p.status === 'sending' || p.status === 'draft')) {
    const waitMs = earlier.some((p) => p.status === 'sending') ? WAIT_FOR_SENDING_MS : waitForScheduled(nowMs - due, `${incident.key}~${post.id}`);
    return { incident, claim: { action: 'wait', untilMs: nowMs + waitMs, reason: 'an earlier post of this incident is not out yet' } };
  }

  const root = threadRoot(incident);
  const startsThread = post.kind === 'open' || post.root === true;
  if (!startsThread && !root) {
    const skipped: Post = { ...post, status: 'failed', note: 'the thread it belongs to was never posted' };
    return { incident: replacePost(incident, skipped), claim: { action: 'skip', reason: skipped.note! } };
  }
  if (post.textFixed && (post.variantOffset ?? 0) > 0) {
    // X refused a person's text as a duplicate; herald has no other wording of it to try.
    const refused: Post = { ...post, status: 'failed', note: 'X refused the text a person approved as a duplicate of an earlier tweet' };
    return { incident: replacePost(incident, refused), claim: { action: 'skip', reason: refused.note! } };
  }
  // A text kept from an attempt that may have gone out, or one a person approved, is sent as is
  // (so X's duplicate rule can tell us it went out); a new text is composed only when there is none.
  const draft: Draft = post.text === undefined ? compose(incident, post, nowMs) : { text: post.text, variant: post.variant ?? 0 };
  const sending: Post = {
    ...post,
    status: 'sending',
    attempts: post.attempts + 1,
    text: draft.text,
    variant: draft.variant,
    ...(draft.phase !== undefined && { phase: draft.phase }),
    ...(draft.nextUpdateAt !== undefined && { nextUpdateAt: draft.nextUpdateAt }),
    // A first post may continue a thread of another record (replyTo), unless X refused that reply.
    inReplyTo: startsThread ? (post.root === true ? undefined : post.replyTo) : root!.tweetId,
    inReplyToCid: startsThread ? undefined : root!.tweetCid,
    claim: attempt.claim,
    leaseUntil: iso(nowMs + attempt.leaseMs),
    attemptedAt: post.attemptedAt ?? iso(nowMs),
  };
  return { incident: replacePost(incident, sending), claim: { action: 'send', post: sending } };
}

/**
 * Records the tweet that now stands for the post, from whichever attempt learnt it; a no-op if it
 * was recorded already (the caller compares ids: a different one there means X has the post twice).
 */
export function recordPosted(incident: Incident | null, postId: string, tweet: { id: string; postedAt: string; url?: string; cid?: string }): Incident | null {
  const post = find(incident, postId);
  if (!incident || !post || post.status === 'posted') return incident;
  const { claim: _claim, leaseUntil: _lease, uncertain: _uncertain, ...rest } = post;
  const where = { ...(tweet.url && { tweetUrl: tweet.url }), ...(tweet.cid && { tweetCid: tweet.cid }) };
  return replacePost(incident, { ...rest, status: 'posted', tweetId: tweet.id, postedAt: tweet.postedAt, ...where, note: undefined });
}

/** How a claimed post goes back in line. */
export interface Release {
  note: string;
  /** The attempt putting it back: a no-op when another attempt holds the post by now. */
  claim?: string;
  /** X refused the text as a duplicate: compose the next variant. */
  nextVariant?: boolean;
  /** X refused the reply: post it as a new tweet that says what it follows up. */
  asRoot?: boolean;
  /** The attempt may have gone out (5xx): keep the text, so a repeat is caught by X's duplicate rule. */
  uncertain?: boolean;
  /** X refused it over the account (401, 403, 402): counted, so a second refusal is known for one about this post. */
  accountRefused?: boolean;
}

/** Puts a claimed post back in line, optionally changing how it will be sent next time. */
export function releasePost(incident: Incident | null, postId: string, change: Release): Incident | null {
  const post = find(incident, postId);
  if (!incident || !post || post.status !== 'sending' || (change.claim !== undefined && post.claim !== change.claim)) return incident;
  const { claim: _claim, leaseUntil: _lease, ...rest } = post;
  const newText = change.nextVariant === true || change.asRoot === true;
  return replacePost(incident, {
    ...rest,
    status: 'scheduled',
    note: change.note,
    variantOffset: (post.variantOffset ?? 0) + (change.nextVariant ? 1 : 0),
    root: change.asRoot ? true : post.root,
    // Only a known text can be matched on X; a new one starts its own history.
    text: newText ? undefined : post.text,
    variant: newText ? undefined : post.variant,
    attemptedAt: newText ? undefined : post.attemptedAt,
    uncertain: newText ? undefined : post.uncertain || change.uncertain || undefined,
    accountRefusals: change.accountRefused ? (post.accountRefusals ?? 0) + 1 : post.accountRefusals,
  });
}

/**
 * The attempt by `claim` ended without knowing whether X created the tweet. The post stays
 * `sending`; another attempt may take it over (and reconcile) once `settleMs` has passed, giving
 * X's timeline time to show a tweet that went out late.
 */
export function markOutcomeUnknown(incident: Incident | null, postId: string, claim: string, nowMs: number, settleMs: number): Incident | null {
  const post = find(incident, postId);
  if (!incident || !post || post.status !== 'sending' || post.claim !== claim) return incident;
  return replacePost(incident, { ...post, uncertain: true, leaseUntil: iso(nowMs + settleMs) });
}

/** Gives up on a post for good, saying why; with `claim`, only if that attempt still holds it. */
export function failPost(incident: Incident | null, postId: string, note: string, claim?: string): Incident | null {
  const post = find(incident, postId);
  if (!incident || !post || post.status === 'posted' || (claim !== undefined && post.claim !== claim)) return incident;
  return replacePost(incident, { ...post, status: 'failed', note });
}

/** How long staff have to decide on a post the network refused for good before it expires. */
export const REFUSED_DRAFT_MS = 24 * 3600_000;

/** The approval rule a refused post is held under: `/healthz/x` and the console look for it. */
export const REFUSED_RULE = 'the network refused it for good';

/** Whether a post waits for a person because the network refused it for good. */
export const isRefusedDraft = (post: Post): boolean => post.status === 'draft' && post.approval?.rule === REFUSED_RULE;

/**
 * The network refused the post for good (a 400, or credentials it will never take for this text).
 * An announcement or a resolution is too important to drop: it becomes a draft with the refused
 * text and X's reason, for a person to fix and approve or reject; it expires unposted after
 * {@link REFUSED_DRAFT_MS}. An update is dropped (`failed`), as the next one says more anyway.
 */
export function refusePost(incident: Incident | null, postId: string, reason: string, nowMs: number, claim?: string): Incident | null {
  const post = find(incident, postId);
  if (!incident || !post || post.status === 'posted' || (claim !== undefined && post.claim !== claim)) return incident;
  if (post.kind === 'update') return failPost(incident, postId, reason, claim);
  const { claim: _claim, leaseUntil: _lease, uncertain: _uncertain, ...rest } = post;
  const question = `the network refused this post for good (${reason}): correct the text and approve it, or reject it`;
  return replacePost(incident, {
    ...rest,
    status: 'draft',
    note: reason,
    approval: { rule: REFUSED_RULE, heldAt: iso(nowMs), deadline: iso(nowMs + REFUSED_DRAFT_MS), onTimeout: 'expire', question },
  });
}

/**
 * X returns tweet text HTML-escaped and with links shortened, so compare texts in a form both
 * sides agree on before adopting a tweet as ours.
 */
export function sameTweetText(ours: string, theirs: string): boolean {
  const norm = (s: string) =>
    s
      .replace(/&amp;/g, '&')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/https?:\/\/\S+/g, '<link>')
      .replace(/\s+/g, ' ')
      .trim();
  return norm(ours) === norm(theirs);
}
