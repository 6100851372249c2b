import type { Incident, Post } from './model.ts';

/**
 * What goes first when X's posting budget is short. Pure. `essential` posts may use the whole
 * budget; `deferrable` ones wait while fewer than the reserve would be left, so a resolution or a
 * critical announcement always finds room.
 */
export type BudgetClass = 'essential' | 'deferrable';

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
export function budgetClass(incident: Incident, post: Post): BudgetClass {
  if (post.kind === 'resolved') return 'essential';
  const index = incident.posts.findIndex((p) => p.id === post.id);
  const resolutionWaits = incident.posts.slice(index + 1).some((p) => p.kind === 'resolved' && (p.status === 'scheduled' || p.status === 'sending'));
  if (resolutionWaits) return 'essential';
  if (post.kind === 'update' || incident.severity === 'minor') return 'deferrable';
  return 'essential';
}
