import type { AccountId } from '../incidents/accounts.ts';
import type { RedisClient } from '../redis/connect.ts';
import { Budget, FIFTEEN_MINUTES, type BudgetWindow } from './budget.ts';
import type { AccountQueue } from './account-hold.ts';
import { TweetOwners } from './reconcile.ts';
import { RefusedPosts } from './refused-posts.ts';
import { AccountState } from './account-state.ts';

/** How delivery paces itself and recovers; from configuration (see .env.example). */
export interface DeliverySettings {
  /** Posts X allows the account per 15 minutes and per 24 hours (its access tier). */
  postsPer15Min: number;
  postsPer24H: number;
  /** Units updates and minor incidents leave free for resolutions and major announcements. */
  reserve: number;
  /** Share (0..1) of every window that only replies in live threads may use (incidents/delivery-priority.ts). */
  replyShare: number;
  /** Timeline reads for reconciling, per 15 minutes. */
  readsPer15Min: number;
  /** While the account is blocked, how often X is asked whether it accepts herald again. */
  probeMs: number;
  /** While X answers 5xx or cannot be reached (the breaker is open), how often it is asked again. */
  unavailableProbeMs: number;
  /** After an unknown outcome, how long to let X's timeline catch up before reading it. */
  settleMs: number;
  /** BullMQ lock of a delivery job: how soon a job of a killed worker runs again. */
  jobLockMs: number;
}

export const DEFAULT_DELIVERY_SETTINGS: DeliverySettings = {
  postsPer15Min: 25,
  postsPer24H: 100,
  reserve: 5,
  replyShare: 0.5,
  readsPer15Min: 30,
  probeMs: 300_000,
  unavailableProbeMs: 5_000,
  settleMs: 5_000,
  jobLockMs: 30_000,
};

/** What the guards need to know of an account (accounts/account.ts has the whole model). */
export interface GuardedAccount {
  id: AccountId;
  /** The posting budget's windows, in the account's network's units, and the reserve. */
  limits: { posts: readonly BudgetWindow[]; reserve: number };
}

/** Everything delivery shares with the other processes through Redis. */
export interface DeliveryGuards {
  budget: Budget;
  reads: Budget;
  account: AccountState;
  owners: TweetOwners;
  /** Posts the network refused for good, waiting for a person as drafts. */
  refused: RefusedPosts;
  /** How long a claim keeps other workers off: the longest call to X plus a margin. */
  leaseMs: number;
  settleMs: number;
  settings: DeliverySettings;
}

/** Extra time on a claim beyond the X timeout: the Redis writes around the call. */
const LEASE_MARGIN_MS = 5_000;

export function openDeliveryGuards(redis: RedisClient, prefix: string, posts: AccountQueue, settings: DeliverySettings, xTimeoutMs: number, account: GuardedAccount): DeliveryGuards {
  // The default account's keys are `<prefix>:budget:x:...`, as they were before herald had accounts.
  const base = `${prefix}:budget:${account.id}`;
  return {
    budget: new Budget(redis, `${base}:posts`, account.limits.posts, account.limits.reserve, settings.replyShare),
    reads: new Budget(redis, `${base}:reads`, [{ label: '15min', ms: FIFTEEN_MINUTES, limit: settings.readsPer15Min }]),
    account: new AccountState(redis, prefix, posts, { id: account.id, probeMs: settings.probeMs, unavailableProbeMs: settings.unavailableProbeMs }),
    owners: new TweetOwners(redis, prefix),
    refused: new RefusedPosts(redis, prefix, account.id),
    leaseMs: xTimeoutMs + LEASE_MARGIN_MS,
    settleMs: settings.settleMs,
    settings,
  };
}
