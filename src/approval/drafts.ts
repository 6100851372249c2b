import type { AuditEntry, Incident, Post } from '../incidents/model.ts';

/**
 * What people (and the approval timeout) do to a draft: pure functions over the incident, run
 * inside the store's atomic update, so a person and the timeout racing for the same draft have
 * exactly one winner, and the audit entry is written in the same step as the change it describes.
 */

/** A draft that waits past its deadline is looked at again this often anyway (see `settleDraft`). */
export const DRAFT_RECHECK_MS = 5000;

/** `<incident key>~<post id>`: URL-safe, and post ids never hold `~`, so the last one splits. */
export const draftId = (key: string, postId: string): string => `${key}~${postId}`;

export function parseDraftId(id: string): { key: string; postId: string } | undefined {
  const at = id.lastIndexOf('~');
  if (at <= 0 || at === id.length - 1) return undefined;
  return { key: id.slice(0, at), postId: id.slice(at + 1) };
}

/** Appends one entry to the incident's audit log. */
export function audited(incident: Incident, entry: AuditEntry): Incident {
  return { ...incident, audit: [...(incident.audit ?? []), entry] };
}

export function replacePost(incident: Incident, post: Post): Incident {
  return { ...incident, posts: incident.posts.map((p) => (p.id === post.id ? post : p)) };
}

export type DraftRefusal = { code: 'not-found' | 'not-waiting' | 'no-text'; message: string };

export type DraftChange = { incident: Incident | null; outcome: { ok: true; post: Post } | ({ ok: false } & DraftRefusal) };

/** What became of a post that is no longer a draft, in words for a 409. */
function whyNotWaiting(post: Post): string {
  const what = post.status === 'cancelled' ? `it was dropped${post.note ? ` (${post.note})` : ''}` : `it is ${post.status} already`;
  return `draft ${post.id} is no longer waiting for approval: ${what}`;
}

function waitingDraft(incident: Incident | null, postId: string): { post: Post } | DraftRefusal {
  const post = incident?.posts.find((p) => p.id === postId);
  if (!incident || !post) return { code: 'not-found', message: `no draft ${postId} in this incident` };
  if (post.status !== 'draft') return { code: 'not-waiting', message: whyNotWaiting(post) };
  return { post };
}

const refuse = (refusal: DraftRefusal): DraftChange => ({ incident: null, outcome: { ok: false, ...refusal } });

/** Replaces the draft's text with one a person wrote (already checked by `checkDraftText`). */
export function editDraft(incident: Incident | null, postId: string, edit: { actor: string; at: string; text: string }): DraftChange {
  const found = waitingDraft(incident, postId);
  if (!('post' in found)) return refuse(found);
  const { post } = found;
  if (post.text === edit.text) return { incident: null, outcome: { ok: true, post } };
  const edited: Post = { ...post, text: edit.text, textFixed: true, note: undefined };
  const next = audited(replacePost(incident!, edited), { at: edit.at, actor: edit.actor, action: 'edited', postId, before: post.text, after: edit.text });
  return { incident: next, outcome: { ok: true, post: edited } };
}

/**
 * Approves the draft as it stands (or with `text`, an edit made in the same step): it goes out
 * now, with exactly the text the person saw.
 */
export function approveDraft(incident: Incident | null, postId: string, approval: { actor: string; at: string; text?: string }): DraftChange {
  let current = incident;
  if (approval.text !== undefined) {
    const edit = editDraft(incident, postId, { actor: approval.actor, at: approval.at, text: approval.text });
    if (!edit.outcome.ok) return edit;
    current = edit.incident ?? incident;
  }
  const found = waitingDraft(current, postId);
  if (!('post' in found)) return refuse(found);
  const { post } = found;
  if (!post.text) return refuse({ code: 'no-text', message: `draft ${postId} has no text (${post.note ?? 'composing failed'}): write one, then approve` });
  // A person who approves has judged the outage real: the grace period has nothing left to wait for.
  // A maintenance notice's due time is no grace period but the moment it speaks of ("done" at the
  // window's end): approving it early does not say it early.
  const dueAt = post.notice === undefined && Date.parse(approval.at) < Date.parse(post.dueAt) ? approval.at : post.dueAt;
  const approved: Post = { ...post, status: 'scheduled', dueAt, textFixed: true, note: undefined };
  const next = audited(replacePost(current!, approved), { at: approval.at, actor: approval.actor, action: 'approved', postId, after: post.text });
  return { incident: next, outcome: { ok: true, post: approved } };
}

/** Drops the draft for good; nothing is posted and the reason is kept. */
export function rejectDraft(incident: Incident | null, postId: string, rejection: { actor: string; at: string; reason: string }): DraftChange {
  const found = waitingDraft(incident, postId);
  if (!('post' in found)) return refuse(found);
  const { post } = found;
  const rejected: Post = { ...post, status: 'cancelled', note: `rejected by ${rejection.actor}: ${rejection.reason}` };
  const next = audited(replacePost(incident!, rejected), {
    at: rejection.at,
    actor: rejection.actor,
    action: 'rejected',
    postId,
    before: post.text,
    reason: rejection.reason,
  });
  return { incident: next, outcome: { ok: true, post: rejected } };
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
  const next = audited(replacePost(incident, released), { at, actor: 'herald', action: 'posted on timeout', postId: post.id, after: post.text, reason: released.note });
  return { action: 'released', incident: next, post: released };
}
