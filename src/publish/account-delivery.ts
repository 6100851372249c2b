import { DelayedError, RateLimitError, type Job } from 'bullmq';
import type { DeliveryJob } from '../queues.ts';
import { accountOfPost } from './account-hold.ts';
import type { AccountGuards } from './account-guards.ts';
import { Delivery, type DeliveryDeps, type DeliveryRun } from './delivery-worker.ts';

/**
 * Delivery with each account's own guards. Before a post is tried, its account's hold is read:
 * while that account is rate-limited or blocked the job is parked until it may post again, and
 * every other account's posts go on. A 429 or a block met during the attempt is recorded by the
 * account's state and parks the job the same way (the attempt's queue-wide RateLimitError is
 * turned into a park of this one job).
 */
export function accountDeliveries(deps: Omit<DeliveryDeps, 'guards'>, guards: ReadonlyMap<string | undefined, AccountGuards>): DeliveryRun {
  const byAccount = new Map([...guards].map(([account, g]) => [account, { guards: g, delivery: new Delivery({ ...deps, guards: g }) }] as const));
  const fallback = byAccount.get(undefined)!;
  return async (job, token) => {
    // A post of an account removed from the file since: the default's guards, and the publisher says why it cannot go.
    const { guards: own, delivery } = byAccount.get(accountOfPost(job.data.postId)) ?? fallback;
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

async function park(job: Job<DeliveryJob>, token: string | undefined, untilMs: number, reason: string): Promise<never> {
  await job.moveToDelayed(Math.max(untilMs, Date.now()), token);
  throw new DelayedError(reason);
}
