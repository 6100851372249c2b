import { accountOf, projection } from './accounts.ts';
import type { Incident, Post } from './model.ts';
import { threadRoot } from './rules.ts';

/**
 * What goes first when the posting budget is short. Pure. A `reply` in a live thread (a resolution,
 * a reopening) may use the whole budget; every other post leaves each window's reply share free
 * (HERALD_X_REPLY_SHARE), so announcements can never take the room their own resolutions need;
 * `deferrable` posts also leave the reserve (HERALD_X_BUDGET_RESERVE), so a critical or major
 * announcement finds room before an update. An incident opened in a flood (flood-rules.ts) never
 * uses the reserve: its posts are `deferrable`, its replies `flood-reply` (the reply share, not the reserve).
 */
export type BudgetClass = 'reply' | 'flood-reply' | 'essential' | 'deferrable';

/**
 * BullMQ job priority (1 runs first): resolutions, then announcements by severity, then updates.
 * Never 0: BullMQ runs jobs without a priority before every prioritized one.
 */
export function deliveryPriority(incident: Pick<Incident, 'severity'>, post: Pick<Post, 'kind'>): number {
  if (post.kind === 'resolved') return 1;
  if (post.kind === 'update') return incident.severity === 'minor' ? 6 : 5;
  return { critical: 2, major: 3, minor: 4 }[incident.severity];
}

/**
 * Resolutions and announcements of critical or major outages are essential; updates and a minor
 * incident's announcements are deferrable. A post that a waiting resolution needs out first (its
 * thread's root) is as essential as the resolution, or the reply would wait behind it.
 */
export function budgetClass(whole: Incident, post: Post): BudgetClass {
  // Only the post's own account's thread counts: another account's live root is not this one's.
  const incident = projection(whole, accountOf(post));
  const startsThread = post.kind === 'open' || post.root === true;
  if (!startsThread && post.kind !== 'update' && threadRoot(incident)) return whole.flood ? 'flood-reply' : 'reply';
  // A leaked token's thousand "critical" outages must leave room for the real ones (docs/security.md#floods).
  if (whole.flood) return 'deferrable';
  if (post.kind === 'resolved') return 'essential';
  const index = incident.posts.findIndex((p) => p.id === post.id);
  const resolutionWaits = incident.posts.slice(index + 1).some((p) => p.kind === 'resolved' && (p.status === 'scheduled' || p.status === 'sending'));
  if (resolutionWaits) return 'essential';
  if (post.kind === 'update' || incident.severity === 'minor') return 'deferrable';
  return 'essential';
}

/**
 * The class of a post whose incident turned out, by the time it goes, to have opened in a flood
 * (its source went over the cap later in that minute): it keeps the reserve free, as `budgetClass`
 * does for an incident marked when it opened.
 */
export function inFlood(cls: BudgetClass): BudgetClass {
  if (cls === 'reply') return 'flood-reply';
  return cls === 'essential' ? 'deferrable' : cls;
}
