import type { Logger } from 'pino';
import type { RedisClient } from '../ops/redis-connect.ts';
import { PublishError, type Publisher } from './publisher.ts';
import type { AccountQueue } from './account-hold.ts';

/**
 * Whether herald may post to the account now, shared by every process through Redis. X refusing
 * the credentials or the access tier (401, 403) or running out of credits (402) blocks the account:
 * the posts queue is paused, so nothing is dropped and nothing hammers X; a cheap probe
 * (`GET /2/users/me`) or a person (`POST /api/x/resume`) lifts it. A 429 only pauses it until X's
 * reset, through BullMQ's queue-wide rate limit.
 */

export type AccountStatus = 'posting' | 'rate-limited' | 'blocked';

export interface AccountView {
  account: string;
  status: AccountStatus;
  /** Why posting stopped, as X said it, with what a person can do. */
  reason: string | null;
  /** `unauthorized` or `payment-required` while blocked. */
  code: string | null;
  since: string | null;
  nextProbeAt: string | null;
  lastProbe: string | null;
  rateLimitedUntil: string | null;
}

type Fields = Partial<Record<'blocked' | 'code' | 'reason' | 'since' | 'nextProbeAt' | 'lastProbe' | 'rateLimitedUntil' | 'rateLimitReason', string>>;

const iso = (ms: number) => new Date(ms).toISOString();

/** Consecutive 429s without a usable reset double the pause, up to X's 15-minute window. */
const LONGEST_STREAK_PAUSE_MS = 15 * 60_000;

// Clears the block only if no new block came in since it was read (blocks is a counter).
const UNBLOCK_SCRIPT = `
if redis.call('HGET', KEYS[1], 'blocks') ~= ARGV[1] then return 0 end
redis.call('HDEL', KEYS[1], 'blocked', 'code', 'reason', 'since', 'nextProbeAt')
redis.call('HSET', KEYS[1], 'lastProbe', ARGV[2])
return 1
`;

export class XAccount {
  private readonly key: string;
  private readonly probeLockKey: string;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    /** The account's own hold (account-hold.ts): pausing it holds only this account's posts. */
    private readonly posts: AccountQueue,
    private readonly options: { id?: string; probeMs: number },
  ) {
    const id = options.id ?? 'x';
    this.key = `${prefix}:account:${id}`;
    this.probeLockKey = `${prefix}:account:${id}:probe`;
  }

  get id(): string {
    return this.options.id ?? 'x';
  }

  async view(nowMs = Date.now()): Promise<AccountView> {
    const f = (await this.redis.hgetall(this.key)) as Fields;
    const limitedUntil = f.rateLimitedUntil && Date.parse(f.rateLimitedUntil) > nowMs ? f.rateLimitedUntil : null;
    const status: AccountStatus = f.blocked ? 'blocked' : limitedUntil ? 'rate-limited' : 'posting';
    return {
      account: this.id,
      status,
      reason: f.blocked ? (f.reason ?? null) : limitedUntil ? (f.rateLimitReason ?? null) : null,
      code: f.blocked ? (f.code ?? null) : null,
      since: f.blocked ? (f.since ?? null) : null,
      nextProbeAt: f.blocked ? (f.nextProbeAt ?? null) : null,
      lastProbe: f.lastProbe ?? null,
      rateLimitedUntil: limitedUntil,
    };
  }

  /** Stops posting until X accepts the account again. True when this call blocked it (log it once, loudly). */
  async block(err: PublishError, nowMs = Date.now()): Promise<boolean> {
    const fresh = (await this.redis.hsetnx(this.key, 'since', iso(nowMs))) === 1;
    await this.redis.hset(this.key, { blocked: '1', code: err.reason, reason: err.message, nextProbeAt: iso(nowMs + this.options.probeMs) });
    await this.redis.hincrby(this.key, 'blocks', 1);
    // Recorded before pausing: a crash in between is repaired by the probe loop.
    await this.posts.pause();
    return fresh;
  }

  /**
   * Lets posting go on. The queue is resumed first, so a crash in between leaves the account
   * blocked (and the probe repairs the pause) rather than stuck; a block that came in meanwhile
   * from another process is kept.
   */
  async unblock(how: string, nowMs = Date.now()): Promise<void> {
    const blocks = (await this.redis.hget(this.key, 'blocks')) ?? '';
    await this.posts.resume();
    await this.redis.eval(UNBLOCK_SCRIPT, 1, this.key, blocks, `${iso(nowMs)}: resumed (${how})`);
  }

  /**
   * X answered 429: no worker takes a post until X's reset `resetMs` (the attempt is not used up).
   * A reset that is missing or already past would mean retrying at once: then each such 429 in a
   * row, with no post in between, pauses twice as long as the last, so nothing spins.
   */
  async rateLimited(resetMs: number, reason: string, nowMs = Date.now()): Promise<number> {
    let until = resetMs;
    if (resetMs <= nowMs + 1000) {
      const streak = await this.redis.hincrby(this.key, 'rateLimitStreak', 1);
      until = nowMs + Math.min(LONGEST_STREAK_PAUSE_MS, 1000 * 2 ** (streak - 1));
    }
    await this.redis.hset(this.key, { rateLimitedUntil: iso(until), rateLimitReason: reason });
    await this.posts.rateLimit(Math.max(1, until - nowMs));
    return until;
  }

  /** A post went out: the next 429 starts a new streak. */
  async posted(): Promise<void> {
    await this.redis.hdel(this.key, 'rateLimitStreak');
  }

  /** One probe per interval across all processes: true for the process that should probe now. */
  private async claimProbe(nowMs: number): Promise<boolean> {
    const next = await this.redis.hget(this.key, 'nextProbeAt');
    if (next && Date.parse(next) > nowMs) return false;
    return (await this.redis.set(this.probeLockKey, '1', 'PX', Math.max(1000, this.options.probeMs), 'NX')) === 'OK';
  }

  /**
   * One step of the probe loop: while blocked, asks X whether the credentials work again and
   * resumes posting if so. Also re-pauses a queue left running by a crash inside `block`.
   */
  async probe(publisher: Publisher, logger: Logger, nowMs = Date.now()): Promise<AccountStatus> {
    const blocked = (await this.redis.hget(this.key, 'blocked')) === '1';
    if (!blocked) return 'posting';
    if (!(await this.posts.isPaused())) await this.posts.pause();
    if (!(await this.claimProbe(nowMs))) return 'blocked';
    try {
      await publisher.verify?.();
    } catch (err) {
      const message = err instanceof PublishError ? err.message : String(err);
      await this.redis.hset(this.key, { lastProbe: `${iso(nowMs)}: ${message}`, nextProbeAt: iso(nowMs + this.options.probeMs) });
      logger.error({ account: this.id, err: message }, 'X did not accept the probe; posting stays stopped, every post is kept');
      return 'blocked';
    }
    await this.unblock('X accepted the credentials again', nowMs);
    logger.warn({ account: this.id }, 'X accepts herald again: posting resumes');
    return 'posting';
  }
}

/** Runs `account.probe` every `tickMs` until the returned function is called. */
export function startAccountProbe(account: XAccount, publisher: Publisher, tickMs: number, logger: Logger): () => Promise<void> {
  let current: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    current = account.probe(publisher, logger).catch((err) => logger.warn({ err }, 'could not check the X account state'));
  }, tickMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await current;
  };
}
