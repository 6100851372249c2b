import { DelayedError, RateLimitError, type Job } from 'bullmq';
import { ComposeError } from '../compose/errors.ts';
import { DEFAULT_ACCOUNT, type AccountId } from '../incidents/accounts.ts';
import type { Composer } from '../incidents/delivery-rules.ts';
import type { DeliveryJob } from '../queues.ts';
import { accountOfJob } from './account-hold.ts';
import type { AccountGuards } from './account-guards.ts';
import { Delivery, type DeliveryDeps, type DeliveryRun } from './delivery-worker.ts';
import { PublishError, type Publisher } from './publisher.ts';

/** What delivers one account's posts: its guards, its publisher, its composer (app/accounts.ts builds them). */
export interface DeliveringAccount {
  id: AccountId;
  guards: AccountGuards;
  publisher: Publisher;
  compose: Composer;
}

/**
 * Delivery with each account's own guards, publisher and composer, picked by the job's account.
 * Before a post is tried, its account's hold is read: while that account is rate-limited or
 * blocked the job is parked until it may post again, and every other account's posts go on. A 429
 * or a block met during the attempt is recorded by the account's state and parks the job the same
 * way (the attempt's queue-wide RateLimitError is turned into a park of this one job).
 */
export function accountDeliveries(deps: Omit<DeliveryDeps, 'guards' | 'publisher' | 'compose'>, accounts: readonly DeliveringAccount[]): DeliveryRun {
  const byAccount = new Map(accounts.map((a) => [a.id, { guards: a.guards, delivery: new Delivery({ ...deps, guards: a.guards, publisher: a.publisher, compose: a.compose }) }] as const));
  const fallback = byAccount.get(DEFAULT_ACCOUNT)!;
  const pick = (id: AccountId) => {
    const own = byAccount.get(id);
    if (own) return own;
    // A post of an account removed from the file since: the default's guards, and it fails saying why.
    const removed = { guards: fallback.guards, delivery: new Delivery({ ...deps, guards: fallback.guards, publisher: notConfigured(id), compose: notConfiguredComposer(id) }) };
    byAccount.set(id, removed);
    return removed;
  };
  return async (job, token) => {
    const { guards: own, delivery } = pick(accountOfJob(job.data));
    const held = await own.hold.heldUntil();
    if (held) return park(job, token, held.untilMs, held.reason);
    try {
      return await delivery.run(job, token);
    } catch (err) {
      if (!(err instanceof RateLimitError)) throw err;
      const now = await own.hold.heldUntil();
      return park(job, token, now?.untilMs ?? Date.now() + 1000, now?.reason ?? 'the account was refused; looking again shortly');
    }
  };
}

const removedReason = (id: AccountId) => `account ${id} is not configured any more (HERALD_ACCOUNTS_FILE); its post cannot be sent`;

function notConfigured(id: AccountId): Publisher {
  const refuse = async (): Promise<never> => {
    throw new PublishError('invalid', removedReason(id));
  };
  return { mode: 'unknown', post: refuse, recentPosts: refuse };
}

function notConfiguredComposer(id: AccountId): Composer {
  return () => {
    throw new ComposeError('invalid-input', removedReason(id));
  };
}

async function park(job: Job<DeliveryJob>, token: string | undefined, untilMs: number, reason: string): Promise<never> {
  await job.moveToDelayed(Math.max(untilMs, Date.now()), token);
  throw new DelayedError(reason);
}
