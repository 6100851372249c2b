import type { IncidentStore } from '../incidents/store.ts';
import type { BudgetView } from './budget.ts';
import type { DeliveryGuards } from './delivery-guards.ts';
import type { AccountView } from './account-state.ts';
import type { RefusedPost } from './refused-posts.ts';

/**
 * What `/healthz/x` answers: whether posts reach X now, and if not, why and until when. Every way
 * herald can stop posting has its own state, so none is silent (docs/faults.md says what to do).
 */
export type XHealthStatus = 'posting' | 'x-unavailable' | 'budget-exhausted' | 'rate-limited' | 'refused' | 'blocked' | 'dry-run' | 'redis-data-lost';

export interface XHealth {
  status: XHealthStatus;
  /** 200 only while posting; 503 for every state in which posts do not reach X. */
  httpStatus: 200 | 503;
  account: string;
  mode: string;
  reason: string | null;
  since: string | null;
  rateLimitedUntil: string | null;
  /** When the posting budget frees its next unit, while it is exhausted. */
  nextFreeAt: string | null;
  /** Posts the posting budget holds back now (each logged once with when it goes). */
  waiting: number;
  /** Incidents Redis forgot, while posting is held for a person. */
  lost?: { key: string; rootTweetId: string | null }[];
  /** Posts X refused for good, each a draft waiting for a person (present while any waits). */
  refused?: RefusedPost[];
  /** An empty Redis at start that herald could not check against the account's recent posts, and why. */
  startCheck?: string;
}

/**
 * Pure: the state from the account's view, the posting budget, the mode and the posts X refused.
 * A refused post needs a person, so it outranks what heals by itself (unavailable, rate limits).
 */
export function xHealthOf(view: AccountView, budget: BudgetView, mode: string, refused: readonly RefusedPost[] = []): XHealth {
  const spent = budget.windows.filter((w) => w.remaining === 0);
  const nextFreeAt = spent.length > 0 ? spent.map((w) => w.nextFreeAt ?? '').sort().at(-1) || null : null;
  const status: XHealthStatus =
    view.status === 'redis-data-lost' ? 'redis-data-lost'
    : mode === 'dry-run' ? 'dry-run'
    : view.status === 'blocked' ? 'blocked'
    : refused.length > 0 ? 'refused'
    : view.status !== 'posting' ? view.status
    : spent.length > 0 ? 'budget-exhausted'
    : 'posting';
  const reason =
    status === 'dry-run' ? 'dry-run: no X credentials are set, so posts go to the outbox file and never reach X'
    : status === 'budget-exhausted' ? `herald's own posting budget is spent (${spent.map((w) => w.window).join(', ')}); next free at ${nextFreeAt}`
    : status === 'refused' ? `X refused ${refused.length} post(s) for good; each waits as a draft in the console: correct and approve it, or reject it`
    : view.reason;
  return {
    status,
    httpStatus: status === 'posting' ? 200 : 503,
    account: view.account,
    mode,
    reason,
    since: view.since,
    rateLimitedUntil: view.rateLimitedUntil,
    nextFreeAt,
    waiting: budget.waiting,
    ...(view.held && { lost: view.held.lost }),
    ...(refused.length > 0 && { refused: [...refused] }),
    ...(view.startCheck && { startCheck: view.startCheck }),
  };
}

export async function xHealth(guards: DeliveryGuards, mode: string, store: Pick<IncidentStore, 'get'>): Promise<XHealth> {
  const [view, budget, refused] = await Promise.all([guards.account.view(), guards.budget.view(), guards.refused.waiting(store)]);
  return xHealthOf(view, budget, mode, refused);
}

/** The budget windows as the `herald_rate_limit_remaining` gauge reports them. */
export async function rateBudgets(guards: DeliveryGuards): Promise<{ window: string; remaining: number }[]> {
  const [posts, reads] = await Promise.all([guards.budget.view(), guards.reads.view()]);
  return [
    ...posts.windows.map((w) => ({ window: w.window, remaining: w.remaining })),
    ...reads.windows.map((w) => ({ window: `reads-${w.window}`, remaining: w.remaining })),
  ];
}
