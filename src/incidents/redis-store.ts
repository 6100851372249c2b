import type { RedisClient } from '../ops/redis-connect.ts';
import type { AlertMark } from './alert-rules.ts';
import type { Incident } from './model.ts';
import { hasPendingPosts } from './rules.ts';
import { ConcurrentUpdateError, type IncidentStore } from './store.ts';

// Compare-and-set on the whole stored JSON, plus the indexes, in one step. A single connection can
// serve many concurrent updates this way, which WATCH/MULTI (connection state) cannot.
const CAS_SCRIPT = `
local current = redis.call('GET', KEYS[1]) or ''
if current ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], 'NX', ARGV[3], ARGV[4])
if ARGV[5] == '1' then redis.call('SADD', KEYS[3], ARGV[4]) else redis.call('SREM', KEYS[3], ARGV[4]) end
for i = 7, #ARGV, 2 do redis.call('HSET', KEYS[4], ARGV[i], ARGV[i + 1]) end
if ARGV[5] == '1' then redis.call('PERSIST', KEYS[4]) else redis.call('EXPIRE', KEYS[4], ARGV[6]) end
return 1
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

const MAX_TRIES = 100;

type CasCommand = (...args: string[]) => Promise<number>;
type Marks = ReadonlyMap<string, AlertMark>;
type Change<T> = (current: Incident | null, marks: Marks) => { next: Incident | null; result: T; marks?: Marks };
const NO_MARKS: Marks = new Map();

export class RedisIncidentStore implements IncidentStore {
  private readonly cas: CasCommand;

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {
    if (!('heraldIncidentCas' in redis)) redis.defineCommand('heraldIncidentCas', { numberOfKeys: 4, lua: CAS_SCRIPT });
    const command = (redis as unknown as { heraldIncidentCas: CasCommand }).heraldIncidentCas;
    this.cas = command.bind(redis);
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
    return `${this.prefix}:active`;
  }

  async get(key: string): Promise<Incident | null> {
    const raw = await this.redis.get(this.incidentKey(key));
    return raw ? (JSON.parse(raw) as Incident) : null;
  }

  async update<T>(key: string, change: (current: Incident | null) => { next: Incident | null; result: T }): Promise<T> {
    return this.compareAndSet(key, [], (current) => change(current));
  }

  async updateForAlerts<T>(key: string, alertIds: readonly string[], change: Change<T>): Promise<T> {
    return this.compareAndSet(key, [...new Set(alertIds)], change);
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
        raw ?? '',
        serialized,
        String(Date.parse(next.firstSeenAt)),
        key,
        active,
        String(ALERT_MARKS_TTL_SECONDS),
        ...[...(marks ?? NO_MARKS)].flatMap(([id, mark]) => [id, encodeMark(mark)]),
      );
      if (ok === 1) return result;
    }
    throw new ConcurrentUpdateError(`incident ${key} kept changing under ${MAX_TRIES} attempts to update it`);
  }

  async activeKeys(): Promise<string[]> {
    return this.redis.smembers(this.activeKey);
  }

  async recentKeys(limit: number): Promise<string[]> {
    return this.redis.zrevrange(this.indexKey, 0, limit - 1);
  }

  /** Keys of incidents first seen in [fromMs, toMs), oldest first. */
  async keysSeenBetween(fromMs: number, toMs: number, limit = 10_000): Promise<string[]> {
    return this.redis.zrangebyscore(this.indexKey, fromMs, `(${toMs}`, 'LIMIT', 0, limit);
  }
}
