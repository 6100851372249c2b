import type { Queue } from 'bullmq';
import type { AccountConfig, Network } from '../accounts/config.ts';
import type { NetworkBudgets } from '../config.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { DeliveryJob } from '../queues.ts';
import { AccountHold } from './account-hold.ts';
import { Budget, ONE_DAY } from './budget.ts';
import { openDeliveryGuards, type DeliveryGuards, type DeliverySettings } from './delivery-guards.ts';

/**
 * Each account's own guards: its budget in its network's units, its state (blocked, rate-limited)
 * and its hold on the posts queue. X accounts budget as today (posts per 15 minutes and 24 hours,
 * each account its own); a Bluesky account budgets its write points per hour and per day (a post
 * costs 3 points); a Mastodon account its posts per 5 minutes.
 */
export interface AccountGuards extends DeliveryGuards {
  network: Network;
  hold: AccountHold;
}

/** What creating one Bluesky post costs in its write budget (the PDS's own points). */
export const BSKY_POINTS_PER_POST = 3;
const HOUR = 3600_000;
const FIVE_MINUTES = 300_000;

export interface AccountGuardsOptions {
  redis: RedisClient;
  prefix: string;
  posts: Queue<DeliveryJob>;
  settings: DeliverySettings;
  budgets: NetworkBudgets;
  timeoutMs: number;
}

export function guardsForAccount(o: AccountGuardsOptions, account: string | undefined, network: Network): AccountGuards {
  const id = account ?? 'x';
  const hold = new AccountHold(o.redis, o.prefix, account, o.posts);
  const guards = openDeliveryGuards(o.redis, o.prefix, hold, o.settings, o.timeoutMs, id);
  const posts = `${o.prefix}:budget:${id}:posts`;
  if (network === 'bluesky') {
    const windows = [
      { label: '1h', ms: HOUR, limit: Math.max(1, Math.floor(o.budgets.bskyPointsPerHour / BSKY_POINTS_PER_POST)) },
      { label: '24h', ms: ONE_DAY, limit: Math.max(1, Math.floor(o.budgets.bskyPointsPerDay / BSKY_POINTS_PER_POST)) },
    ];
    return { ...guards, network, hold, budget: new Budget(o.redis, posts, windows, o.settings.reserve, o.settings.replyShare) };
  }
  if (network === 'mastodon') {
    return { ...guards, network, hold, budget: new Budget(o.redis, posts, [{ label: '5min', ms: FIVE_MINUTES, limit: o.budgets.mastodonPer5Min }], o.settings.reserve, o.settings.replyShare) };
  }
  return { ...guards, network, hold };
}

/** The default account (X, undefined) first, then every account of the accounts file. */
export function openAccountGuards(o: AccountGuardsOptions, accounts: readonly Pick<AccountConfig, 'id' | 'network'>[]): Map<string | undefined, AccountGuards> {
  return new Map([[undefined, guardsForAccount(o, undefined, 'x')], ...accounts.map((a) => [a.id, guardsForAccount(o, a.id, a.network)] as const)]);
}
