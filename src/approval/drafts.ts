import { audited, replacePost } from '../incidents/draft-rules.ts';
import type { Incident, Post } from '../incidents/model.ts';
import { withNoteApproved } from '../incidents/public-note.ts';

/**
 * What people do to a draft: pure functions over the incident, run inside the store's atomic
 * update, so a person and the approval timeout (`settleDraft`, incidents/draft-rules.ts) racing for
 * the same draft have exactly one winner, and the audit entry is written in the same step as the
 * change it describes.
 */

/** `<incident key>~<post id>`: URL-safe, and post ids never hold `~`, so the last one splits. */
export const draftId = (key: string, postId: string): string => `${key}~${postId}`;

export function parseDraftId(id: string): { key: string; postId: string } | undefined {
  const at = id.lastIndexOf('~');
  if (at <= 0 || at === id.length - 1) return undefined;
  return { key: id.slice(0, at), postId: id.slice(at + 1) };
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
  // The person's words now: approving them approves no note they may have left out.
  const edited: Post = { ...post, text: edit.text, textFixed: true, note: undefined, carriesNote: undefined };
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
  // Approving a draft that says the public note approves the note: later posts nobody reviews may say it.
  const noted = withNoteApproved(current!, post, approval.actor, approval.at);
  const next = audited(replacePost(noted, approved), { at: approval.at, actor: approval.actor, action: 'approved', postId, after: post.text });
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
