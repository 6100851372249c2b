import { weightedLength } from '../compose/tweet-length.ts';
import { accountOf, DEFAULT_ACCOUNT } from '../incidents/accounts.ts';
import type { Incident, Post } from '../incidents/model.ts';
import { draftId } from './drafts.ts';

/** The API's names for post kinds: a reopening reads as an update, as in `GET /api/incidents`. */
export const publicKind = (post: Post): string => (post.kind === 'reopened' ? 'update' : post.kind);

/**
 * The pinned shape of `GET /api/drafts`: `{id, incident, kind, text, weightedLength}`, plus
 * `account` when the draft is for an account other than the default one (docs/accounts.md).
 */
export function draftView(incident: Incident, post: Post) {
  const text = post.text ?? '';
  return {
    id: draftId(incident.key, post.id),
    incident: incident.key,
    kind: publicKind(post),
    text,
    weightedLength: weightedLength(text),
    ...(accountOf(post) !== DEFAULT_ACCOUNT && { account: accountOf(post) }),
  };
}

/** Posts that stand before `post` in its thread and are, or will be, public. */
export function threadBefore(incident: Incident, post: Post): Post[] {
  if (post.root) return [];
  const earlier = incident.posts.slice(0, incident.posts.indexOf(post));
  const visible = earlier.filter((p) => p.status === 'posted' || p.status === 'sending' || p.status === 'scheduled');
  // A tweet posted as a new root (X refused the reply) starts the thread again.
  const lastRoot = visible.map((p) => p.kind === 'open' || p.root === true).lastIndexOf(true);
  return lastRoot < 0 ? visible : visible.slice(lastRoot);
}

/** One draft with what a person needs to decide: where it goes, until when, and what was asked. */
export function draftDetail(incident: Incident, post: Post) {
  return {
    ...draftView(incident, post),
    account: accountOf(post),
    status: post.status,
    service: incident.service,
    feature: incident.feature,
    severity: incident.severity,
    topic: incident.topic ?? 'outage',
    dueAt: post.dueAt,
    deadline: post.approval?.deadline ?? null,
    onTimeout: post.approval?.onTimeout ?? null,
    rule: post.approval?.rule ?? null,
    question: post.approval?.question ?? null,
    note: post.note ?? null,
    editedByPerson: post.textFixed === true,
    thread: threadBefore(incident, post).map((p) => ({ post: p.id, kind: publicKind(p), status: p.status, text: p.text ?? null, tweetId: p.tweetId ?? null })),
  };
}
