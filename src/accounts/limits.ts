import { FIFTEEN_MINUTES, ONE_DAY } from '../publish/budget.ts';
import type { DeliverySettings } from '../publish/delivery-guards.ts';
import type { AccountLimits, Network } from './account.ts';

/** Write budgets of Bluesky and Mastodon accounts, from HERALD_BSKY_* and HERALD_MASTODON_*. */
export interface NetworkBudgets {
  /** Bluesky's write points per hour and per day (a post costs 3). */
  bskyPointsPerHour: number;
  bskyPointsPerDay: number;
  /** Mastodon posts per 5 minutes (the instance's request limit, 300 by default). */
  mastodonPer5Min: number;
}

/** What creating one Bluesky post costs in its write budget (the PDS's own points). */
export const BSKY_POINTS_PER_POST = 3;
const HOUR = 3600_000;
const FIVE_MINUTES = 300_000;

/**
 * An account's posting budget in its network's units. X accounts budget posts per 15 minutes and
 * 24 hours (HERALD_X_BUDGET_*, each account its own); a Bluesky account its write points per hour
 * and per day, as posts of 3 points; a Mastodon account its posts per 5 minutes.
 */
export function postingLimits(network: Network, delivery: Pick<DeliverySettings, 'postsPer15Min' | 'postsPer24H' | 'reserve'>, budgets: NetworkBudgets): AccountLimits {
  const reserve = delivery.reserve;
  if (network === 'bluesky') {
    return {
      reserve,
      posts: [
        { label: '1h', ms: HOUR, limit: Math.max(1, Math.floor(budgets.bskyPointsPerHour / BSKY_POINTS_PER_POST)) },
        { label: '24h', ms: ONE_DAY, limit: Math.max(1, Math.floor(budgets.bskyPointsPerDay / BSKY_POINTS_PER_POST)) },
      ],
    };
  }
  if (network === 'mastodon') return { reserve, posts: [{ label: '5min', ms: FIVE_MINUTES, limit: budgets.mastodonPer5Min }] };
  return {
    reserve,
    posts: [
      { label: '15min', ms: FIFTEEN_MINUTES, limit: delivery.postsPer15Min },
      { label: '24h', ms: ONE_DAY, limit: delivery.postsPer24H },
    ],
  };
}
