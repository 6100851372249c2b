import type { Logger } from 'pino';
import type { AccountId } from '../incidents/accounts.ts';
import type { RedisClient } from '../redis/connect.ts';
import { PublishError, type Publisher } from './publisher.ts';
import type { AccountQueue } from './account-hold.ts';

/**
 * Whether herald may post on one account now, on whichever network it is (X, Bluesky, Mastodon),
 * shared by every process through the account's Redis hash `<prefix>:account:<id>`. The network
 * refusing the credentials or the access tier (401, 403) or running out of credits (402) blocks
 * the account; answering 5xx or not at all, {@link BREAKER_THRESHOLD} times in a row, opens its
 * breaker; a 429 rate-limits it until the reset; Redis losing data holds it for a person. Each
 * stop holds only this account's posts, through its hold (account-hold.ts), never the shared posts
 * queue: nothing is dropped and the other accounts go on. A cheap probe (`verify`, on X
 * `GET /2/users/me`) or a person (`POST /api/accounts/:id/resume`, `POST /api/x/resume` for the
 * default account) lifts a block.
 */

export type AccountStatus = 'posting' | 'rate-limited' | 'blocked' | 'x-unavailable' | 'redis-data-lost';

/** An incident herald knew before Redis forgot it, with the root tweet an operator can re-attach. */
export interface LostIncident {
  key: string;
  /** This account's own root of the incident (a tweet, a Bluesky post's uri, a Mastodon status id). */
  rootTweetId: string | null;
  /** Bluesky: the root's content id, which re-attaching it needs. */
  rootCid?: string;
}

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
  /** Set while Redis lost herald's data and posting is held for a person. */
  held: { since: string; reason: string; lost: LostIncident[] } | null;
  /** What herald made of an empty Redis at start for this account, when it could not look (ops/empty-start.ts). */
  startCheck: string | null;
}

type Field = 'blocked' | 'code' | 'reason' | 'since' | 'nextProbeAt' | 'lastProbe' | 'rateLimitedUntil' | 'rateLimitReason'
  | 'unavailable' | 'unavailableReason' | 'held' | 'heldReason' | 'lost' | 'startCheck';
type Fields = Partial<Record<Field, string>>;

/** Calls in a row that X answered 5xx or could not be reached before the breaker opens. */
export const BREAKER_THRESHOLD = 3;

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

export class AccountState {
  private readonly key: string;
  private readonly probeLockKey: string;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    /** The account's own hold (account-hold.ts): pausing it holds only this account's posts. */
    private readonly posts: AccountQueue,
    private readonly options: { id: AccountId; probeMs: number; unavailableProbeMs?: number },
  ) {
    const id = options.id;
    this.key = `${prefix}:account:${id}`;
    this.probeLockKey = `${prefix}:account:${id}:probe`;
  }

  get id(): AccountId {
    return this.options.id;
  }

  async view(nowMs = Date.now()): Promise<AccountView> {
    const f = (await this.redis.hgetall(this.key)) as Fields;
    const limitedUntil = f.rateLimitedUntil && Date.parse(f.rateLimitedUntil) > nowMs ? f.rateLimitedUntil : null;
    // The most serious stop first: what a person must act on before what heals by itself.
    const status: AccountStatus = f.held ? 'redis-data-lost' : f.blocked ? 'blocked' : f.unavailable ? 'x-unavailable' : limitedUntil ? 'rate-limited' : 'posting';
    const reason = { 'redis-data-lost': f.heldReason, blocked: f.reason, 'x-unavailable': f.unavailableReason, 'rate-limited': f.rateLimitReason, posting: undefined }[status];
    return {
      account: this.id,
      status,
      reason: reason ?? null,
      code: f.blocked ? (f.code ?? null) : null,
      since: f.held ?? (f.blocked ? f.since : f.unavailable) ?? null,
      nextProbeAt: f.blocked || f.unavailable ? (f.nextProbeAt ?? null) : null,
      lastProbe: f.lastProbe ?? null,
      rateLimitedUntil: limitedUntil,
      held: f.held ? { since: f.held, reason: f.heldReason ?? '', lost: JSON.parse(f.lost ?? '[]') as LostIncident[] } : null,
      startCheck: f.startCheck ?? null,
    };
  }

  /** Says, on `/healthz`, that an empty Redis at start could not be checked against this account's posts, and why. */
  async noteStartCheck(note: string): Promise<void> {
    await this.redis.hset(this.key, 'startCheck', note);
  }

  /** Stops posting until X accepts the account again. True when this call blocked it (log it once, loudly). */
  async block(err: PublishError, nowMs = Date.now()): Promise<boolean> {
    const fresh = (await this.redis.hsetnx(this.key, 'since', iso(nowMs))) === 1;
    await this.redis.hset(this.key, { blocked: '1', code: err.reason, reason: err.message, nextProbeAt: iso(nowMs + this.options.probeMs) });
    await this.redis.hincrby(this.key, 'blocks', 1);
    // Recorded before pausing: a crash in between is repaired by the probe loop.
    await this.pause();
    return fresh;
  }

  /**
   * Lets posting go on. The account's hold is resumed first, so a crash in between leaves the account
   * blocked (and the probe repairs the pause) rather than stuck; a block that came in meanwhile
   * from another process is kept.
   */
  async unblock(how: string, nowMs = Date.now()): Promise<void> {
    const blocks = (await this.redis.hget(this.key, 'blocks')) ?? '';
    await this.resumeUnless('blocked');
    await this.redis.eval(UNBLOCK_SCRIPT, 1, this.key, blocks, `${iso(nowMs)}: resumed (${how})`);
  }

  /**
   * Resumes the account's hold unless a stop other than `leaving` still holds it, and wakes the posts
   * that backed off meanwhile, so they go out now, in priority order, not when their backoff ends.
   */
  private async resumeUnless(leaving: 'blocked' | 'unavailable' | 'held'): Promise<void> {
    const stops = await this.redis.hmget(this.key, 'blocked', 'unavailable', 'held');
    if (stops.some((v, i) => v && ['blocked', 'unavailable', 'held'][i] !== leaving)) return;
    // The account's hold (account-hold.ts) wakes its parked posts once no stop holds them.
    await this.posts.resume();
    await this.redis.hdel(this.key, 'pausedBy');
  }

  /** Pauses the account's hold, noting that this account did (so the probe may undo a stale pause). */
  private async pause(): Promise<void> {
    await this.redis.hset(this.key, 'pausedBy', 'account');
    await this.posts.pause();
  }

  /**
   * Makes the account's hold match the stops: paused while one holds, running when none does and the pause
   * was this account's. Processes racing each other (one resuming as another re-pauses from a
   * stale read) are repaired here on the next tick, so posting never stays stopped with no reason.
   */
  private async reconcilePause(): Promise<void> {
    const [blocked, unavailable, held, pausedBy] = await this.redis.hmget(this.key, 'blocked', 'unavailable', 'held', 'pausedBy');
    const paused = await this.posts.isPaused();
    if ((blocked || unavailable || held) && !paused) await this.pause();
    if (!blocked && !unavailable && !held && pausedBy && paused) {
      await this.posts.resume();
      await this.redis.hdel(this.key, 'pausedBy');
    }
  }

  /**
   * X answered 5xx or could not be reached. After {@link BREAKER_THRESHOLD} such calls in a row the
   * breaker opens: the account's posts are held (nothing is dropped, the network is not hammered) and the probe
   * asks X every few seconds. True when this call opened it.
   */
  async unavailable(reason: string, nowMs = Date.now()): Promise<boolean> {
    const streak = await this.redis.hincrby(this.key, 'unavailableStreak', 1);
    if (streak < BREAKER_THRESHOLD) return false;
    const fresh = (await this.redis.hsetnx(this.key, 'unavailable', iso(nowMs))) === 1;
    await this.redis.hset(this.key, { unavailableReason: reason, ...(fresh && { nextProbeAt: iso(nowMs + this.unavailableProbeMs) }) });
    await this.pause();
    return fresh;
  }

  /** X answered: the breaker's count starts again. */
  async answered(): Promise<void> {
    await this.redis.hdel(this.key, 'unavailableStreak');
  }

  private get unavailableProbeMs(): number {
    return this.options.unavailableProbeMs ?? 5_000;
  }

  /**
   * Redis lost herald's data: hold every post until a person resumes (`release`). `lost` lists the
   * incidents this process knew before, so a person can re-attach them to their live tweets.
   */
  async hold(reason: string, lost: LostIncident[], nowMs = Date.now()): Promise<boolean> {
    const fresh = (await this.redis.hsetnx(this.key, 'held', iso(nowMs))) === 1;
    const known = JSON.parse((await this.redis.hget(this.key, 'lost')) ?? '[]') as LostIncident[];
    const merged = [...known, ...lost.filter((l) => !known.some((k) => k.key === l.key))];
    await this.redis.hset(this.key, { heldReason: reason, lost: JSON.stringify(merged) });
    await this.pause();
    return fresh;
  }

  /** A person looked at what Redis lost and lets posting go on. True when a hold was lifted. */
  async release(): Promise<boolean> {
    if (!(await this.redis.hget(this.key, 'held'))) return false;
    await this.resumeUnless('held');
    await this.redis.hdel(this.key, 'held', 'heldReason', 'lost');
    return true;
  }

  /**
   * X answered 429: no worker takes a post until X's reset `resetMs` (the attempt is not used up),
   * and at least a second. A reset that is missing or already past would mean retrying at once:
   * then each such 429 in a row, with no post in between, pauses twice as long as the last, so
   * nothing spins. The 429s that several workers get from one exhausted window are one step of
   * that streak, not one each: four workers refused together once paused posting for a minute.
   */
  async rateLimited(resetMs: number, reason: string, nowMs = Date.now()): Promise<number> {
    let until = Math.max(resetMs, nowMs + 1000);
    if (resetMs <= nowMs) {
      const pausedUntil = Date.parse((await this.redis.hget(this.key, 'rateLimitedUntil')) ?? '');
      if (pausedUntil > nowMs) {
        until = pausedUntil;
      } else {
        const streak = await this.redis.hincrby(this.key, 'rateLimitStreak', 1);
        until = nowMs + Math.min(LONGEST_STREAK_PAUSE_MS, 1000 * 2 ** (streak - 1));
      }
    }
    await this.redis.hset(this.key, { rateLimitedUntil: iso(until), rateLimitReason: reason });
    await this.posts.rateLimit(Math.max(1, until - nowMs));
    return until;
  }

  /** A post went out: the next 429 starts a new streak, and so does the breaker's count. */
  async posted(): Promise<void> {
    await this.redis.hdel(this.key, 'rateLimitStreak', 'unavailableStreak');
  }

  /** One probe per interval across all processes: true for the process that should probe now. */
  private async claimProbe(nowMs: number, intervalMs: number): Promise<boolean> {
    const next = await this.redis.hget(this.key, 'nextProbeAt');
    if (next && Date.parse(next) > nowMs) return false;
    return (await this.redis.set(this.probeLockKey, '1', 'PX', Math.max(1000, intervalMs), 'NX')) === 'OK';
  }

  /**
   * One step of the probe loop: while blocked, asks X whether the credentials work again and
   * resumes posting if so. Also re-pauses a hold left running by a crash inside `block`.
   */
  async probe(publisher: Publisher, logger: Logger, nowMs = Date.now()): Promise<AccountStatus> {
    await this.reconcilePause();
    const [blocked, unavailable, held] = await this.redis.hmget(this.key, 'blocked', 'unavailable', 'held');
    if (blocked !== '1' && !unavailable) return held ? 'redis-data-lost' : 'posting';
    const intervalMs = blocked === '1' ? this.options.probeMs : this.unavailableProbeMs;
    if (!(await this.claimProbe(nowMs, intervalMs))) return blocked === '1' ? 'blocked' : 'x-unavailable';
    try {
      await publisher.verify?.();
    } catch (err) {
      const message = err instanceof PublishError ? err.message : String(err);
      await this.redis.hset(this.key, { lastProbe: `${iso(nowMs)}: ${message}`, nextProbeAt: iso(nowMs + intervalMs) });
      if (blocked === '1') {
        logger.error({ account: this.id, err: message }, 'X did not accept the probe; posting stays stopped, every post is kept');
        return 'blocked';
      }
      if (err instanceof PublishError && (err.reason === 'unauthorized' || err.reason === 'payment-required')) {
        await this.block(err, nowMs);
        logger.error({ account: this.id, err: message }, 'X is back but refuses herald: posting stays stopped until it accepts the credentials (or POST /api/x/resume)');
        return 'blocked';
      }
      logger.warn({ account: this.id, err: message }, 'X is still unavailable; every post is kept and goes out once it answers');
      return 'x-unavailable';
    }
    if (blocked === '1') {
      await this.unblock('X accepted the credentials again', nowMs);
      logger.warn({ account: this.id }, 'X accepts herald again: posting resumes');
    } else {
      await this.recovered(nowMs);
      logger.warn({ account: this.id, since: unavailable }, 'X answers again: posting resumes, most urgent posts first');
    }
    return held ? 'redis-data-lost' : 'posting';
  }

  /** The breaker closes: resume (unless another stop holds) and forget the streak. */
  private async recovered(nowMs: number): Promise<void> {
    await this.resumeUnless('unavailable');
    await this.redis.hdel(this.key, 'unavailable', 'unavailableReason', 'unavailableStreak', 'nextProbeAt');
    await this.redis.hset(this.key, 'lastProbe', `${iso(nowMs)}: X answered again`);
  }
}

/** Runs `account.probe` every `tickMs` until the returned function is called. */
export function startAccountProbe(account: AccountState, publisher: Publisher, tickMs: number, logger: Logger): () => Promise<void> {
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
