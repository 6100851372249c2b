import { settleDraft } from '../approval/drafts.ts';
import type { Incident, Post } from './model.ts';
import { threadRoot } from './rules.ts';

/**
 * The delivery worker's side of the incident: which post may go out now, and what happened to it.
 * Pure, like `rules.ts`; the worker runs these inside the store's atomic update.
 */

export interface Draft {
  text: string;
  variant: number;
}

/** Turns a post into its text; throws when no variant can be posted (see compose/). */
export type Composer = (incident: Incident, post: Post) => Draft;

export type Claim =
  | { action: 'skip'; reason: string }
  | { action: 'wait'; untilMs: number; reason: string }
  | { action: 'send'; post: Post }
  | { action: 'reconcile'; post: Post };

const RETRY_WAIT_MS = 500;

function replace(incident: Incident, post: Post): Incident {
  return { ...incident, posts: incident.posts.map((p) => (p.id === post.id ? post : p)) };
}

function find(incident: Incident | null, postId: string): Post | undefined {
  return incident?.posts.find((p) => p.id === postId);
}

/**
 * Decides whether `postId` goes out now and, if so, marks it `sending` with its text. A post found
 * already `sending` was claimed before and its outcome is unknown: it must be reconciled.
 */
export function claimPost(incident: Incident | null, postId: string, nowMs: number, compose: Composer): { incident: Incident | null; claim: Claim } {
  let post = find(incident, postId);
  if (!incident || !post) return { incident, claim: { action: 'skip', reason: 'no such post' } };
  if (post.status === 'draft') {
    // Waits for a person until its deadline; then the approval rule posts it anyway or lets it expire.
    const settled = settleDraft(incident, post, nowMs);
    if (settled.action === 'wait') return { incident, claim: { action: 'wait', untilMs: settled.untilMs, reason: 'waiting for approval' } };
    if (settled.action === 'expired') return { incident: settled.incident, claim: { action: 'skip', reason: settled.post.note! } };
    ({ incident, post } = settled);
  }
  if (post.status === 'sending') return { incident, claim: { action: 'reconcile', post } };
  if (post.status !== 'scheduled') return { incident, claim: { action: 'skip', reason: `post is ${post.status}` } };

  const due = Date.parse(post.dueAt);
  if (nowMs < due) return { incident, claim: { action: 'wait', untilMs: due, reason: 'not due yet' } };
  const earlier = incident.posts.slice(0, incident.posts.indexOf(post));
  if (earlier.some((p) => p.status === 'scheduled' || p.status === 'sending' || p.status === 'draft')) {
    return { incident, claim: { action: 'wait', untilMs: nowMs + RETRY_WAIT_MS, reason: 'an earlier post of this incident is not out yet' } };
  }

  const root = threadRoot(incident);
  const startsThread = post.kind === 'open' || post.root === true;
  if (!startsThread && !root) {
    const skipped: Post = { ...post, status: 'failed', note: 'the thread it belongs to was never posted' };
    return { incident: replace(incident, skipped), claim: { action: 'skip', reason: skipped.note! } };
  }
  if (post.textFixed && (post.variantOffset ?? 0) > 0) {
    // X refused a person's text as a duplicate; herald has no other wording of it to try.
    const refused: Post = { ...post, status: 'failed', note: 'X refused the text a person approved as a duplicate of an earlier tweet' };
    return { incident: replace(incident, refused), claim: { action: 'skip', reason: refused.note! } };
  }
  const draft = post.textFixed && post.text ? { text: post.text, variant: post.variant ?? 0 } : compose(incident, post);
  const sending: Post = {
    ...post,
    status: 'sending',
    attempts: post.attempts + 1,
    text: draft.text,
    variant: draft.variant,
    inReplyTo: startsThread ? undefined : root!.tweetId,
  };
  return { incident: replace(incident, sending), claim: { action: 'send', post: sending } };
}

/** Records the tweet that now stands for the post; a no-op if it was recorded already. */
export function recordPosted(incident: Incident | null, postId: string, tweet: { id: string; postedAt: string }): Incident | null {
  const post = find(incident, postId);
  if (!incident || !post || post.status === 'posted') return incident;
  return replace(incident, { ...post, status: 'posted', tweetId: tweet.id, postedAt: tweet.postedAt, note: undefined });
}

/** Puts a claimed post back in line, optionally changing how it will be sent next time. */
export function releasePost(
  incident: Incident | null,
  postId: string,
  change: { note: string; nextVariant?: boolean; asRoot?: boolean },
): Incident | null {
  const post = find(incident, postId);
  if (!incident || !post || post.status !== 'sending') return incident;
  return replace(incident, {
    ...post,
    status: 'scheduled',
    note: change.note,
    variantOffset: (post.variantOffset ?? 0) + (change.nextVariant ? 1 : 0),
    root: change.asRoot ? true : post.root,
  });
}

/** Gives up on a post for good, saying why. */
export function failPost(incident: Incident | null, postId: string, note: string): Incident | null {
  const post = find(incident, postId);
  if (!incident || !post || post.status === 'posted') return incident;
  return replace(incident, { ...post, status: 'failed', note });
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
