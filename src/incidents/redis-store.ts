import type { Redis } from 'ioredis';
import type { Incident } from './model.ts';
import { hasPendingPosts } from './rules.ts';
import { ConcurrentUpdateError, type IncidentStore } from './store.ts';

// Compare-and-set on the whole stored JSON, plus the indexes, in one step. A single connection can
// serve many concurrent updates this way, which WATCH/MULTI (connection state) cannot. An incident
// with nothing left to do is filed in `settled` with the time of its last change, for retention.
const CAS_SCRIPT = `
local current = redis.call('GET', KEYS[1]) or ''
if current ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], 'NX', ARGV[3], ARGV[4])
if ARGV[5] == '1' then
  redis.call('SADD', KEYS[3], ARGV[4])
  redis.call('ZREM', KEYS[4], ARGV[4])
else
  redis.call('SREM', KEYS[3], ARGV[4])
  redis.call('ZADD', KEYS[4], ARGV[6], ARGV[4])
end
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
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return raw
`;

const MAX_TRIES = 100;

type CasCommand = (...args: string[]) => Promise<number>;
type ExpireCommand = (...args: string[]) => Promise<string | null>;

/** Updates of one incident waiting in this process, and the value the last of them left in Redis. */
interface Line {
  tail: Promise<void>;
  known: string | null | undefined;
  waiting: number;
}

export class RedisIncidentStore implements IncidentStore {
  private readonly cas: CasCommand;
  private readonly expire: ExpireCommand;
  private readonly lines = new Map<string, Line>();
  private readonly now: () => number;

  /** `now` stamps when an incident settled (for retention); benchmarks and tests set it. */
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    options: { now?: () => number } = {},
  ) {
    if (!('heraldIncidentCas' in redis)) redis.defineCommand('heraldIncidentCas', { numberOfKeys: 4, lua: CAS_SCRIPT });
    if (!('heraldIncidentExpire' in redis)) redis.defineCommand('heraldIncidentExpire', { numberOfKeys: 4, lua: EXPIRE_SCRIPT });
    const commands = redis as unknown as { heraldIncidentCas: CasCommand; heraldIncidentExpire: ExpireCommand };
    this.cas = commands.heraldIncidentCas.bind(redis);
    this.expire = commands.heraldIncidentExpire.bind(redis);
    this.now = options.now ?? Date.now;
  }

  private incidentKey(key: string): string {
    return `${this.prefix}:incident:${key}`;
  }

  private get indexKey(): string {
    return `${this.prefix}:incidents`;
  }

  private get activeKey(): string {
    return `${this.prefix}:active`;
  }

  private get settledKey(): string {
    return `${this.prefix}:settled`;
  }

  async get(key: string): Promise<Incident | null> {
    const raw = await this.redis.get(this.incidentKey(key));
    return raw ? (JSON.parse(raw) as Incident) : null;
  }

  /**
   * Updates to one incident from this process run one after another, each starting from the value
   * the previous one wrote: in a storm of alerts for one outage they would otherwise race each
   * other's compare-and-set and retry, and each would read the record first (docs/benchmarks.md).
   * Other processes are still handled by the compare-and-set.
   */
  update<T>(key: string, change: (current: Incident | null) => { next: Incident | null; result: T }): Promise<T> {
    const line = this.lines.get(key) ?? { tail: Promise.resolve(), known: undefined, waiting: 0 };
    this.lines.set(key, line);
    line.waiting++;
    const run = line.tail.then(() => this.compareAndSet(key, change, line));
    line.tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run.finally(() => {
      if (--line.waiting === 0) this.lines.delete(key);
    });
  }

  private async compareAndSet<T>(key: string, change: (current: Incident | null) => { next: Incident | null; result: T }, line: Line): Promise<T> {
    for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
      // What this process last wrote is most likely still there: a write from it is checked by the
      // compare-and-set anyway, and a decision to write nothing is checked by reading again.
      const remembered = line.known;
      line.known = undefined;
      const raw = remembered !== undefined ? remembered : await this.redis.get(this.incidentKey(key));
      const { next, result } = change(raw ? (JSON.parse(raw) as Incident) : null);
      const serialized = next === null ? null : JSON.stringify(next);
      if (next === null || serialized === raw) {
        if (remembered !== undefined) continue;
        line.known = raw;
        return result;
      }
      const active = next.state === 'open' || hasPendingPosts(next) ? '1' : '0';
      const ok = await this.cas(
        this.incidentKey(key),
        this.indexKey,
        this.activeKey,
        this.settledKey,
        raw ?? '',
        serialized!,
        String(Date.parse(next.firstSeenAt)),
        key,
        active,
        String(this.now()),
      );
      if (ok === 1) {
        line.known = serialized;
        return result;
      }
    }
    throw new ConcurrentUpdateError(`incident ${key} kept changing under ${MAX_TRIES} attempts to update it`);
  }

  async activeKeys(): Promise<string[]> {
    return this.redis.smembers(this.activeKey);
  }

  /**
   * Removes up to `limit` incidents that have been settled (resolved, nothing left to post) since
   * before `cutoffMs`, oldest first, with their index entries. Returns what they held, and how many
   * candidates were looked at, so a caller knows whether to go on.
   */
  async expireSettled(cutoffMs: number, limit: number): Promise<{ examined: number; expired: Incident[] }> {
    const keys = await this.redis.zrangebyscore(this.settledKey, '-inf', cutoffMs, 'LIMIT', 0, limit);
    const removed = await Promise.all(
      keys.map((key) => this.expire(this.incidentKey(key), this.indexKey, this.activeKey, this.settledKey, key, String(cutoffMs))),
    );
    const expired = removed.filter((raw): raw is string => typeof raw === 'string' && raw !== '').map((raw) => JSON.parse(raw) as Incident);
    return { examined: keys.length, expired };
  }

  async recentKeys(limit: number): Promise<string[]> {
    return this.redis.zrevrange(this.indexKey, 0, limit - 1);
  }
}
