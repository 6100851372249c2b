import { accountOf } from './accounts.ts';
import { impactsOf } from './impacts.ts';
import type { Incident, Post } from './model.ts';

/**
 * A post herald could not write (no wording in `messages/` fits it: a catalog changed without
 * `lint-messages`, which proves every combination fits) is never dropped: it becomes a draft for a
 * person to write, staff are told as for any draft, and it expires unposted if nobody does. Pure.
 */

/** How long the draft waits for a person before it expires unposted. */
export const UNCOMPOSABLE_WAIT_MS = 2 * 3600_000;

export const UNCOMPOSABLE_RULE = 'no text could be composed';
export const UNCOMPOSABLE_QUESTION =
  'herald could not write this tweet: no wording in messages/ fits it. Write the text and approve it to post it, or reject it to post nothing.';

/** The post held as a draft for a person, with why; unchanged unless it was waiting to be sent. */
export function holdUncomposable(incident: Incident | null, postId: string, reason: string, nowMs: number): Incident | null {
  const post = incident?.posts.find((p) => p.id === postId);
  if (!incident || !post || (post.status !== 'scheduled' && post.status !== 'draft')) return incident;
  const heldAt = new Date(nowMs).toISOString();
  const held: Post = {
    ...post,
    status: 'draft',
    note: `no text could be composed: ${reason}`,
    approval: { rule: UNCOMPOSABLE_RULE, heldAt, deadline: new Date(nowMs + UNCOMPOSABLE_WAIT_MS).toISOString(), onTimeout: 'expire', question: UNCOMPOSABLE_QUESTION },
  };
  return { ...incident, posts: incident.posts.map((p) => (p.id === postId ? held : p)) };
}

/** The facts that failed, for the log line: enough to reproduce it with `herald preview`. */
export function combinationOf(incident: Incident, post: Post): Record<string, unknown> {
  return {
    account: accountOf(post),
    kind: post.kind,
    impacts: impactsOf(incident).map((i) => (i.platforms ? `${i.feature}:${i.platforms.join('+')}` : i.feature)),
    scope: incident.scope ?? 'unknown',
    phase: incident.phase ?? 'investigating',
    dataSafety: incident.dataSafety ?? 'unknown',
    severity: incident.severity,
    serviceLength: [...incident.service].length,
  };
}
