import { setTimeout as sleep } from 'node:timers/promises';
import type { RedisClient } from '../../redis/connect.ts';
import type { AlertMark } from '../alert-rules.ts';
import type { Incident } from '../model.ts';
import { hasPendingPosts } from '../rules.ts';
import { ConcurrentUpdateError, type IncidentStore } from '../store.ts';

// Compare-and-set on the whole stored JSON, plus the indexes and alert marks, in one step. A single
// connection can serve many concurrent updates this way, which WATCH/MULTI (connection state)
// cannot. An incident with nothing left to do is filed in `settled` with the time of its last
// change, for retention.
const CAS_SCRIPT = `
local current = redis.call('GET', KEYS[1]) or ''
if current ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], 'NX', ARGV[3], ARGV[4])
if ARGV[5] == '1' then
  redis.call('SADD', KEYS[3], ARGV[4])
  redis.call('ZREM', KEYS[5], ARGV[4])
  redis.call('PERSIST', KEYS[4])
else
  redis.call('SREM', KEYS[3], ARGV[4])
  redis.call('ZADD', KEYS[5], ARGV[7], ARGV[4])
end
for i = 8, #ARGV, 2 do redis.call('HSET', KEYS[4], ARGV[i], ARGV[i + 1]) end
if ARGV[5] ~= '1' then redis.call('EXPIRE', KEYS[4], ARGV[6]) end
return 1
`;

// Removes one incident settled since before the cutoff, unless it became active again meanwhile;
// returns what it held ('' if the record was already gone), or nil when it stays.
const EXPIRE_SCRIPT = `
local since = redis.call('ZSCORE', KEYS[4], ARGV[1])
if not since or tonumber(since) > tonumber(ARGV[2]) then return false end
redis.call('ZREM', KEYS[4], ARGV[1])
if redis.call('SISMEMBER', KEYS[3], ARGV[1]) == 1 then return false end
local raw = redis.call('GET', KEYS[1]) or ''
redis.call('DEL', KEYS[1], KEYS[5])
redis.call('ZREM', KEYS[2], ARGV[1])
return raw
`;

/**
 * An incident's alert marks (alert-rules.ts) are kept while it is active, then long enough to
 * recognise late, stale notifications of the alerts it had.
 */
const ALERT_MARKS_TTL_SECONDS = 2 * 24 * 3600;

const encodeMark = (mark: AlertMark): string => `${mark.state === 'firing' ? 'f' : 'r'}:${mark.atMs}`;
function decodeMark(raw: string | null): AlertMark | null {
  const match = raw ? /^([fr]):(-?\d+)$/.exec(raw) : null;
  return match ? { state: match[1] === 'f' ? 'firing' : 'resolved', atMs: Number(match[2]) } : null;
}

/** The set of incidents that are open or still have posts to deliver (the flood gate reads it too). */
export const activeIncidentsKey = (prefix: string): string => `${prefix}:active`;

const MAX_TRIES = 100;
/** The longest pause after a lost compare-and-set; the first ones are shorter (a millisecond or less). */
const CAS_PAUSE_MAX_MS = 20;

type CasCommand = (...args: string[]) => Promise<number>;
type ExpireCommand = (...args: string[]) => Promise<string | null>;
type Marks = ReadonlyMap<string, AlertMark>;
type Change<T> = (current: Incident | null, marks: Marks) => { next: Incident | null; result: T; marks?: Marks };
const NO_MARKS: Marks = new Map();
/** Keys per MGET in `getMany`, so one reply stays modest (in a cluster the prefix is hash-tagged: one slot). */
const MGET_SLICE = 1000;

export class RedisIncidentStore implements IncidentStore {
  private readonly cas: CasCommand;
  private readonly expire: ExpireCommand;
  private readonly now: () => number;
  /** Updates of one incident waiting in this process (see `inLine`). */
  private readonly lines = new Map<string, { tail: Promise<void>; waiting: number }>();

  /** `now` stamps when an incident settled (for retention); benchmarks and tests set it. */
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    options: { now?: () => number } = {},
  ) {
    if (!('heraldIncidentCas2' in redis)) redis.defineCommand('heraldIncidentCas2', { numberOfKeys: 5, lua: CAS_SCRIPT });
    if (!('heraldIncidentExpire' in redis)) redis.defineCommand('heraldIncidentExpire', { numberOfKeys: 5, lua: EXPIRE_SCRIPT });
    const commands = redis as unknown as { heraldIncidentCas2: CasCommand; heraldIncidentExpire: ExpireCommand };
    this.cas = commands.heraldIncidentCas2.bind(redis);
    this.expire = commands.heraldIncidentExpire.bind(redis);
    this.now = options.now ?? Date.now;
  }

  private incidentKey(key: string): string {
    return `${this.prefix}:incident:${key}`;
  }

  private alertsKey(key: string): string {
    return `${this.prefix}:incident:${key}:alerts`;
  }

  private get indexKey(): string {
    return `${this.prefix}:incidents`;
  }

  private get activeKey(): string {
    return activeIncidentsKey(this.prefix);
  }

  private get settledKey(): string {
    return `${this.prefix}:settled`;
  }

  async get(key: string): Promise<Incident | null> {
    const raw = await this.redis.get(this.incidentKey(key));
    return raw ? (JSON.parse(raw) as Incident) : null;
  }

  async getMany(keys: readonly string[]): Promise<Incident[]> {
    const found: Incident[] = [];
    // MGET in slices: one round trip per thousand instead of one per incident (a console over 5,000 drafts).
    for (let i = 0; i < keys.length; i += MGET_SLICE) {
      const raws = await this.redis.mget(...keys.slice(i, i + MGET_SLICE).map((k) => this.incidentKey(k)));
      for (const raw of raws) if (raw) found.push(JSON.parse(raw) as Incident);
    }
    return found;
  }

  async update<T>(key: string, change: (current: Incident | null) => { next: Incident | null; result: T }): Promise<T> {
    return this.inLine(key, () => this.compareAndSet(key, [], (current) => change(current)));
  }

  async updateForAlerts<T>(key: string, alertIds: readonly string[], change: Change<T>): Promise<T> {
    return this.inLine(key, () => this.compareAndSet(key, [...new Set(alertIds)], change));
  }

  /**
   * Updates to one incident from this process run one after another: the delivery worker, the
   * approval service and follow-ups would otherwise race each other's compare-and-set and retry
   * (docs/benchmarks.md). Other processes are still handled by the compare-and-set.
   */
  private inLine<T>(key: string, run: () => Promise<T>): Promise<T> {
    const line = this.lines.get(key) ?? { tail: Promise.resolve(), waiting: 0 };
    this.lines.set(key, line);
    line.waiting++;
    const result = line.tail.then(run);
    line.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result.finally(() => {
      if (--line.waiting === 0) this.lines.delete(key);
    });
  }

  /**
   * How many alerts an incident has firing, and how many of `alertIds` would be new firing ones (not
   * firing already): ingest refuses what would take an incident past its cap, and an Alertmanager
   * group sent again does not count twice.
   */
  async firingAlerts(key: string, alertIds: readonly string[]): Promise<{ firing: number; fresh: number }> {
    const [raw, marks] = await this.read(key, [...new Set(alertIds)]);
    const firing = raw ? ((JSON.parse(raw) as Incident).firingAlerts ?? 0) : 0;
    const fresh = [...new Set(alertIds)].filter((id) => marks.get(id)?.state !== 'firing').length;
    return { firing, fresh };
  }

  private async read(key: string, alertIds: readonly string[]): Promise<[string | null, Marks]> {
    if (alertIds.length === 0) return [await this.redis.get(this.incidentKey(key)), NO_MARKS];
    const replies = await this.redis.pipeline().get(this.incidentKey(key)).hmget(this.alertsKey(key), ...alertIds).exec();
    const [[getError, raw], [hmgetError, values]] = replies as [[Error | null, string | null], [Error | null, (string | null)[]]];
    if (getError || hmgetError) throw getError ?? hmgetError;
    const marks = new Map<string, AlertMark>();
    alertIds.forEach((id, i) => {
      const mark = decodeMark(values[i] ?? null);
      if (mark) marks.set(id, mark);
    });
    return [raw, marks];
  }

  // Every write of an alert mark comes with a new incident (its event count grows), so comparing
  // the incident alone also proves the mark read beside it is still current.
  private async compareAndSet<T>(key: string, alertIds: readonly string[], change: Change<T>): Promise<T> {
    for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
      const [raw, current] = await this.read(key, alertIds);
      const { next, result, marks } = change(raw ? (JSON.parse(raw) as Incident) : null, current);
      if (!next) return result;
      const serialized = JSON.stringify(next);
      if (serialized === raw) return result;
      const active = next.state === 'open' || hasPendingPosts(next) ? '1' : '0';
      const ok = await this.cas(
        this.incidentKey(key),
        this.indexKey,
        this.activeKey,
        this.alertsKey(key),
        this.settledKey,
        raw ?? '',
        serialized,
        String(Date.parse(next.firstSeenAt)),
        key,
        active,
        String(ALERT_MARKS_TTL_SECONDS),
        String(this.now()),
        ...[...(marks ?? NO_MARKS)].flatMap(([id, mark]) => [id, encodeMark(mark)]),
      );
      if (ok === 1) return result;
      // Two processes updating one incident back to back fall into step: the one whose read comes
      // second loses every compare-and-set until the other has no more updates. A random pause
      // breaks the step (a loser could otherwise run out of attempts in a storm).
      await sleep(Math.random() * Math.min(CAS_PAUSE_MAX_MS, attempt + 1));
    }
    throw new ConcurrentUpdateError(`incident ${key} kept changing under ${MAX_TRIES} attempts to update it`);
  }

  async activeKeys(): Promise<string[]> {
    return this.redis.smembers(this.activeKey);
  }

  /**
   * Removes up to `limit` incidents that have been settled (resolved, nothing left to post) since
   * before `cutoffMs`, oldest first, with their index entries and alert marks. Returns what they
   * held, and how many candidates were looked at, so a caller knows whether to go on.
   */
  async expireSettled(cutoffMs: number, limit: number): Promise<{ examined: number; expired: Incident[] }> {
    const keys = await this.redis.zrangebyscore(this.settledKey, '-inf', cutoffMs, 'LIMIT', 0, limit);
    const removed = await Promise.all(
      keys.map((key) => this.expire(this.incidentKey(key), this.indexKey, this.activeKey, this.settledKey, this.alertsKey(key), key, String(cutoffMs))),
    );
    const expired = removed.filter((raw): raw is string => typeof raw === 'string' && raw !== '').map((raw) => JSON.parse(raw) as Incident);
    return { examined: keys.length, expired };
  }

  async recentKeys(limit: number, offset = 0): Promise<string[]> {
    return this.redis.zrevrange(this.indexKey, offset, offset + limit - 1);
  }

  /** Keys of incidents first seen in [fromMs, toMs), oldest first. */
  async keysSeenBetween(fromMs: number, toMs: number, limit = 10_000): Promise<string[]> {
    return this.redis.zrangebyscore(this.indexKey, fromMs, `(${toMs}`, 'LIMIT', 0, limit);
  }
}
