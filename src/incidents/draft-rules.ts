import { accountOf } from './account-id.ts';
import type { AuditEntry, Incident, Post } from './model.ts';
import { withNoteApproved } from './public-note.ts';

/**
 * Changing one post of an incident record, and what the approval timeout does to a draft: pure,
 * run inside the store's atomic update, so the audit entry is written in the same step as the
 * change it describes. The approval policy and people's actions (approval/) build on these.
 */

/** A draft that waits past its deadline is looked at again this often anyway (see `settleDraft`). */
export const DRAFT_RECHECK_MS = 5000;

/** Appends one entry to the incident's audit log. */
export function audited(incident: Incident, entry: AuditEntry): Incident {
  // An entry with a post's text names the post's account, so the console marks that text in the
  // account's language (lang="ko" on a Japanese page) and it wraps between words.
  const post = entry.account === undefined && entry.postId !== undefined && (entry.before !== undefined || entry.after !== undefined) ? incident.posts.find((p) => p.id === entry.postId) : undefined;
  return { ...incident, audit: [...(incident.audit ?? []), post ? { ...entry, account: accountOf(post) } : entry] };
}

export function replacePost(incident: Incident, post: Post): Incident {
  return { ...incident, posts: incident.posts.map((p) => (p.id === post.id ? post : p)) };
}

export type Settlement =
  | { action: 'wait'; untilMs: number }
  | { action: 'expired'; incident: Incident; post: Post }
  | { action: 'released'; incident: Incident; post: Post };

const minutes = (ms: number): string => (ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`);

/**
 * The delivery worker's view of a draft: wait for a person until the deadline, then apply the
 * rule's outcome. The wait is cut into short steps so an approval whose wake-up call was lost,
 * or a draft released by a policy change, is noticed soon anyway.
 */
export function settleDraft(incident: Incident, post: Post, nowMs: number): Settlement {
  const deadline = Date.parse(post.approval?.deadline ?? post.dueAt);
  if (nowMs < deadline) return { action: 'wait', untilMs: Math.min(deadline, nowMs + DRAFT_RECHECK_MS) };
  const at = new Date(nowMs).toISOString();
  const waited = minutes(deadline - Date.parse(post.approval?.heldAt ?? post.dueAt));
  const rule = post.approval?.rule ?? 'the approval policy';
  if (post.approval?.onTimeout === 'expire') {
    const expired: Post = { ...post, status: 'cancelled', note: `nobody approved it within ${waited}, so it expired (${rule})` };
    const next = audited(replacePost(incident, expired), { at, actor: 'herald', action: 'expired', postId: post.id, before: post.text, reason: expired.note });
    return { action: 'expired', incident: next, post: expired };
  }
  const released: Post = { ...post, status: 'scheduled', note: `nobody approved it within ${waited}; posted anyway (${rule})` };
  // The rule says it goes out unapproved: the note it says is public now, as if approved.
  const next = audited(replacePost(withNoteApproved(incident, post, 'herald (timeout)', at), released), { at, actor: 'herald', action: 'posted on timeout', postId: post.id, after: post.text, reason: released.note });
  return { action: 'released', incident: next, post: released };
}
