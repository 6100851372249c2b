import { mergeProjection, postIdFor, projection, type AccountId } from './accounts.ts';
import type { Incident, Post } from './model.ts';
import { newPost, threadRoot } from './rules.ts';

/**
 * A person tells herald which live tweet an incident's thread hangs from (after Redis forgot, or
 * when an update came for an outage herald never saw open). Pure: the route runs it in the store's
 * atomic update. Later posts then reply under that tweet; a resolution herald had no thread for
 * is planned now.
 */
export type Attached =
  | { ok: true; incident: Incident; scheduled: Post[] }
  | { ok: false; status: 409; error: string };

export interface AttachRequest {
  key: string;
  /** The account whose thread it is; other accounts' threads are left alone. */
  account: AccountId;
  tweetId: string;
  /** Bluesky: the root's content id, which replies under it need. */
  cid?: string;
  actor: string;
  at: string;
}

/** Attaches `req.account`'s thread of the incident, on that account's own posts only. */
export function attachThread(current: Incident | null, req: AttachRequest): Attached {
  const attached = attachOwnThread(current && projection(current, req.account), req);
  if (!attached.ok) return attached;
  const incident = mergeProjection(current ?? { ...attached.incident, posts: [] }, attached.incident, req.account);
  const scheduled = attached.scheduled.map((p) => incident.posts.find((q) => q.id === postIdFor(req.account, p.id))!);
  return { ok: true, incident, scheduled };
}

function attachOwnThread(current: Incident | null, req: AttachRequest): Attached {
  const existing = current ? threadRoot(current) : undefined;
  if (existing) {
    if (existing.tweetId === req.tweetId) return { ok: true, incident: current!, scheduled: [] };
    return { ok: false, status: 409, error: `incident ${req.key} already threads under tweet ${existing.tweetId} on account ${req.account}` };
  }
  const base: Incident = current ?? {
    key: req.key,
    service: req.key,
    feature: 'other',
    severity: 'major',
    state: 'open',
    openedAt: req.at,
    firstSeenAt: req.at,
    events: 0,
    posts: [],
  };
  const note = `attached by ${req.actor} to the live tweet ${req.tweetId}`;
  // The root herald planned itself (a draft, a scheduled open) is the tweet that is already live.
  const planned = base.posts.find((p) => (p.kind === 'open' || p.root === true) && ['draft', 'scheduled', 'failed', 'cancelled'].includes(p.status));
  const where = { tweetId: req.tweetId, ...(req.cid && { tweetCid: req.cid }) };
  const root: Post = planned
    ? { ...planned, status: 'posted', ...where, postedAt: planned.postedAt ?? req.at, note, unseenOpen: undefined }
    : { ...newPost(base, 'open', req.at), status: 'posted', ...where, postedAt: req.at, note };
  // Replies that gave up for want of a thread can go now.
  const gaveUp = (p: Post) => p.status === 'failed' && p.note === 'the thread it belongs to was never posted';
  const scheduled: Post[] = [];
  const others = base.posts.filter((p) => p.id !== root.id).map((p): Post => {
    if (!gaveUp(p)) return p;
    const again: Post = { ...p, status: 'scheduled', note, dueAt: req.at };
    scheduled.push(again);
    return again;
  });
  let incident: Incident = { ...base, posts: [root, ...others] };
  const resolvedSaid = incident.posts.some((p) => p.kind === 'resolved' && p.status !== 'cancelled' && p.status !== 'failed');
  if (incident.state === 'resolved' && !resolvedSaid) {
    const resolution = newPost(incident, 'resolved', req.at);
    incident = { ...incident, posts: [...incident.posts, resolution] };
    scheduled.push(resolution);
  }
  return { ok: true, incident, scheduled };
}
