import type { Queue } from 'bullmq';
import { DEFAULT_ACCOUNT, type AccountId } from '../incidents/accounts.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { DeliveryJob } from '../queues.ts';

/**
 * What an account's state (account-state.ts) does to the posts queue, narrowed to that account: a 429
 * or a block holds only this account's posts, never the shared queue, so one network's trouble
 * does not hold back the others. The account's state hash (written by AccountState before it calls
 * these) is the only truth: the delivery worker reads it through `heldUntil` before each job of
 * the account and parks the job (account-delivery.ts); `resume` wakes the parked jobs once the
 * block is lifted.
 */
export type AccountQueue = Pick<Queue<DeliveryJob>, 'pause' | 'resume' | 'isPaused' | 'rateLimit'>;

/**
 * The account a delivery job posts on. Jobs carry it; a job queued by an earlier version carries
 * only `{key, postId}`, and its account is read from the post id as it was then (another account's
 * post ids start with `<id>.`, incidents/accounts.ts), so jobs in Redis during an upgrade still drain.
 */
export function accountOfJob(job: DeliveryJob): AccountId {
  if (job.account) return job.account;
  const dot = job.postId.indexOf('.');
  return dot > 0 ? job.postId.slice(0, dot) : DEFAULT_ACCOUNT;
}

/** A blocked account's jobs look again this often at most, should a wake-up be missed (a crash). */
const BLOCKED_RECHECK_MS = 5_000;
/** AccountState's stops, fields of the same state hash: any one holds the account's posts. */
const STOPS = ['blocked', 'unavailable', 'held'] as const;
const WAKE_POLL_MS = 50;
const WAKE_WAIT_MS = 5_000;

export class AccountHold implements AccountQueue {
  /** AccountState's state hash of the same account. */
  private readonly stateKey: string;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    private readonly account: AccountId,
    private readonly posts: Queue<DeliveryJob>,
    private readonly options: { blockedRecheckMs?: number } = {},
  ) {
    this.stateKey = `${prefix}:account:${account}`;
  }

  /** The block is recorded in the state hash already; nothing else to hold. */
  async pause(): Promise<void> {}

  /** Held while any stop of AccountState's holds: blocked, the network unavailable, or Redis data lost. */
  async isPaused(): Promise<boolean> {
    return (await this.redis.hmget(this.stateKey, ...STOPS)).some(Boolean);
  }

  /** Called before the block is cleared: wakes the account's parked posts once it is. */
  async resume(): Promise<void> {
    void this.wakeWhenLifted().catch(() => undefined);
  }

  /** The reset is recorded in the state hash already (`rateLimitedUntil`). */
  async rateLimit(_ms: number): Promise<void> {}

  /** When this account may post again, or undefined when it may now. */
  async heldUntil(nowMs = Date.now()): Promise<{ untilMs: number; reason: string } | undefined> {
    const [blocked, unavailable, held, limitedUntil] = await this.redis.hmget(this.stateKey, ...STOPS, 'rateLimitedUntil');
    const name = this.account;
    const recheck = nowMs + (this.options.blockedRecheckMs ?? BLOCKED_RECHECK_MS);
    if (blocked) return { untilMs: recheck, reason: `account ${name} is blocked: its network refused the credentials` };
    if (held) return { untilMs: recheck, reason: `account ${name} is held: Redis lost data, a person resumes posting (POST /api/x/resume)` };
    if (unavailable) return { untilMs: recheck, reason: `account ${name} waits: its network is not answering (the probe lets posts go when it does)` };
    const untilMs = limitedUntil ? Date.parse(limitedUntil) : 0;
    return untilMs > nowMs ? { untilMs, reason: `account ${name} is rate-limited by its network until ${limitedUntil}` } : undefined;
  }

  private async wakeWhenLifted(): Promise<void> {
    const deadline = Date.now() + WAKE_WAIT_MS;
    while ((await this.isPaused()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, WAKE_POLL_MS));
    if (await this.isPaused()) return;
    for (const job of await this.posts.getDelayed()) {
      if (job && accountOfJob(job.data) === this.account) await job.promote().catch(() => undefined);
    }
  }
}
