import { randomUUID } from 'node:crypto';
import type { BudgetClass } from '../incidents/delivery-priority.ts';
import type { RedisClient } from '../redis/connect.ts';

/**
 * A budget of calls to X shared by every herald process: sliding windows kept in Redis, one sorted
 * set per window, checked and charged in one Lua script so two workers can never both take the
 * last unit. Time is Redis's own (`TIME`), so workers with skewed clocks agree.
 */

// KEYS: one sorted set per window (member: ticket, score: ms it was taken).
// ARGV[1]: ticket ('' only looks); ARGV[2..]: window length in ms, limit and the units that must
// stay free in it after this take, in triples, in the order of KEYS.
// Returns {taken 0|1, retryAt ms (0 when taken or only looking), now ms, then per window: used, nextFreeAt ms}.
const TAKE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ticket = ARGV[1]
local result = {0, 0, now}
local retryAt = 0
for i, key in ipairs(KEYS) do
  local span = tonumber(ARGV[3 * i - 1])
  local limit = tonumber(ARGV[3 * i])
  local reserve = tonumber(ARGV[3 * i + 1])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - span)
  local used = redis.call('ZCARD', key)
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2]
  result[#result + 1] = used
  result[#result + 1] = oldest and (tonumber(oldest) + span) or 0
  local short = used + 1 + reserve - limit
  if ticket ~= '' and short > 0 then
    local entry = redis.call('ZRANGE', key, short - 1, short - 1, 'WITHSCORES')[2]
    local at = entry and (tonumber(entry) + span) or (now + span)
    if at > retryAt then retryAt = at end
  end
end
if ticket == '' then return result end
if retryAt > 0 then
  result[2] = retryAt
  return result
end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ticket)
  redis.call('PEXPIRE', key, tonumber(ARGV[3 * i - 1]))
end
result[1] = 1
return result
`;

export interface BudgetWindow {
  /** How the API names it: `15min`, `24h`. */
  label: string;
  ms: number;
  limit: number;
}

export type Take = { ok: true; ticket: string } | { ok: false; retryAtMs: number };

export interface BudgetView {
  reserve: number;
  /** The share of each window only replies in live threads may use. */
  replyShare: number;
  /** Posts the budget holds back now (each logged once, with when it goes). */
  waiting: number;
  windows: { window: string; limit: number; used: number; remaining: number; nextFreeAt: string | null }[];
}

type TakeCommand = (...args: (string | number)[]) => Promise<number[]>;

export const FIFTEEN_MINUTES = 15 * 60_000;
/** A post still noted as held this long after its time went out or was dropped: no longer counted. */
const STALE_WAIT_MS = 5 * 60_000;
export const ONE_DAY = 24 * 3600_000;

export class Budget {
  private readonly run: TakeCommand;
  private readonly keys: string[];

  /** `keyBase` must start with herald's prefix, so in a Cluster every window shares its slot. */
  constructor(
    private readonly redis: RedisClient,
    keyBase: string,
    readonly windows: readonly BudgetWindow[],
    /** Deferrable takes leave at least this many units in every window. */
    readonly reserve = 0,
    /** Every take but a reply's leaves this share of every window (rounded up) for replies in live threads. */
    readonly replyShare = 0,
  ) {
    if (!('heraldBudgetTake' in redis)) redis.defineCommand('heraldBudgetTake', { lua: TAKE_SCRIPT });
    this.run = (redis as unknown as { heraldBudgetTake: TakeCommand }).heraldBudgetTake.bind(redis);
    this.keys = windows.map((w) => `${keyBase}:${w.label}`);
    this.waitingKey = `${keyBase}:waiting`;
  }

  private readonly waitingKey: string;

  /** Units a take of `cls` must leave free in `window`. */
  private keep(cls: BudgetClass | 'look', window: BudgetWindow): number {
    if (cls === 'reply' || cls === 'look') return 0;
    if (cls === 'flood-reply') return this.reserve;
    const replies = Math.ceil(window.limit * this.replyShare);
    return cls === 'deferrable' ? replies + this.reserve : replies;
  }

  private call(cls: BudgetClass | 'look', ticket: string): Promise<number[]> {
    return this.run(this.keys.length, ...this.keys, ticket, ...this.windows.flatMap((w) => [w.ms, w.limit, this.keep(cls, w)]));
  }

  /** Takes one unit, or says when one will be free for this class. */
  async take(cls: BudgetClass = 'essential'): Promise<Take> {
    const ticket = randomUUID();
    const [taken, retryAt] = await this.call(cls, ticket);
    return taken === 1 ? { ok: true, ticket } : { ok: false, retryAtMs: retryAt! };
  }

  /**
   * Notes that the budget holds `post` back until `untilMs`. True the first time for this post, so
   * the caller logs it once; `sent` forgets it.
   */
  async holding(post: string, untilMs: number): Promise<boolean> {
    // ZADD counts only new members; a known one just gets its new time.
    return Number(await this.redis.zadd(this.waitingKey, untilMs, post)) === 1;
  }

  /** The post got its unit: true when the budget had held it back. */
  async sent(post: string): Promise<boolean> {
    return (await this.redis.zrem(this.waitingKey, post)) === 1;
  }

  /** Posts held back now; one whose time is long past (cancelled meanwhile) is forgotten. */
  private async countWaiting(nowMs: number): Promise<number> {
    await this.redis.zremrangebyscore(this.waitingKey, '-inf', nowMs - STALE_WAIT_MS);
    return this.redis.zcard(this.waitingKey);
  }

  /** Gives a unit back when the call it was taken for was certainly not made or not counted. */
  async refund(ticket: string): Promise<void> {
    const multi = this.redis.multi();
    for (const key of this.keys) multi.zrem(key, ticket);
    await multi.exec();
  }

  async view(): Promise<BudgetView> {
    const result = await this.call('look', '');
    return {
      reserve: this.reserve,
      replyShare: this.replyShare,
      waiting: await this.countWaiting(result[2]!),
      windows: this.windows.map((w, i) => {
        const used = result[3 + 2 * i]!;
        const nextFree = result[4 + 2 * i]!;
        return { window: w.label, limit: w.limit, used, remaining: Math.max(0, w.limit - used), nextFreeAt: nextFree ? new Date(nextFree).toISOString() : null };
      }),
    };
  }
}
