import type { Queue } from 'bullmq';
import type { RedisClient } from '../redis/connect.ts';
import type { DeliveryJob } from '../queues.ts';

/**
 * What an account's state (x-account.ts) does to the posts queue, narrowed to that account: a 429
 * or a block holds only this account's posts, never the shared queue, so one network's trouble
 * does not hold back the others. The account's state hash (written by XAccount before it calls
 * these) is the only truth: the delivery worker reads it through `heldUntil` before each job of
 * the account and parks the job (account-delivery.ts); `resume` wakes the parked jobs once the
 * block is lifted.
 */
export type AccountQueue = Pick<Queue<DeliveryJob>, 'pause' | 'resume' | 'isPaused' | 'rateLimit'>;

/** The account a post belongs to: another account's post ids carry its id (incidents/accounts.ts). */
export function accountOfPost(postId: string): string | undefined {
  const dot = postId.indexOf('.');
  return dot > 0 ? postId.slice(0, dot) : undefined;
}

/** A blocked account's jobs look again this often at most, should a wake-up be missed (a crash). */
const BLOCKED_RECHECK_MS = 5_000;
/** XAccount's stops, fields of the same state hash: any one holds the account's posts. */
const STOPS = ['blocked', 'unavailable', 'held'] as const;
const WAKE_POLL_MS = 50;
const WAKE_WAIT_MS = 5_000;

export class AccountHold implements AccountQueue {
  /** XAccount's state hash of the same account. */
  private readonly stateKey: string;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    /** `undefined` is the default account. */
    private readonly account: string | undefined,
    private readonly posts: Queue<DeliveryJob>,
    private readonly options: { blockedRecheckMs?: number } = {},
  ) {
    this.stateKey = `${prefix}:account:${account ?? 'x'}`;
  }

  /** The block is recorded in the state hash already; nothing else to hold. */
  async pause(): Promise<void> {}

  /** Held while any stop of XAccount's holds: blocked, the network unavailable, or Redis data lost. */
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
    const name = this.account ?? 'x';
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
      if (job && accountOfPost(job.data.postId) === this.account) await job.promote().catch(() => undefined);
    }
  }
}
