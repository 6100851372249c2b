import type { Queue } from 'bullmq';
import type { AccountId } from '../incidents/accounts.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { DeliveryJob } from '../queues.ts';
import { AccountHold } from './account-hold.ts';
import { openDeliveryGuards, type DeliveryGuards, type DeliverySettings, type GuardedAccount } from './delivery-guards.ts';
import type { Network } from './publisher.ts';

/**
 * Each account's own guards: its budget in its network's units (the account's `limits`), its
 * state (blocked, rate-limited) and its hold on the posts queue, so one network's 429 or block
 * holds only its own posts.
 */
export interface AccountGuards extends DeliveryGuards {
  network: Network;
  hold: AccountHold;
}

export interface AccountGuardsOptions {
  redis: RedisClient;
  prefix: string;
  posts: Queue<DeliveryJob>;
  settings: DeliverySettings;
  timeoutMs: number;
}

export function guardsForAccount(o: AccountGuardsOptions, account: GuardedAccount & { network: Network }): AccountGuards {
  const hold = new AccountHold(o.redis, o.prefix, account.id, o.posts);
  return { ...openDeliveryGuards(o.redis, o.prefix, hold, o.settings, o.timeoutMs, account), network: account.network, hold };
}

/** Every account's guards, in the order given (the default account first in `Config.accounts`). */
export function openAccountGuards(o: AccountGuardsOptions, accounts: readonly (GuardedAccount & { network: Network })[]): Map<AccountId, AccountGuards> {
  return new Map(accounts.map((a) => [a.id, guardsForAccount(o, a)] as const));
}
