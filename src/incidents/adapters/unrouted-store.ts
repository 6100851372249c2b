import type { RedisClient as Redis } from '../../redis/connect.ts';
import type { UnroutedAlert } from '../routing.ts';

/**
 * Alerts that reached herald but not the public, kept so a person can see what no route took (and
 * fix the routing file). One entry per alert, the latest notification winning, and only the most
 * recently seen `capacity` alerts: monitoring repeats itself, and the record must stay bounded.
 */
export interface UnroutedLog {
  record(alerts: readonly UnroutedAlert[]): Promise<void>;
  /** Most recently seen first. */
  latest(limit: number): Promise<UnroutedAlert[]>;
}

// Writes a webhook's alerts and trims the oldest in one step: one round trip per webhook.
const RECORD_SCRIPT = `
for i = 2, #ARGV, 3 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 2])
  redis.call('ZADD', KEYS[2], ARGV[i + 1], ARGV[i])
end
local excess = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[1])
if excess > 0 then
  local old = redis.call('ZRANGE', KEYS[2], 0, excess - 1)
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, excess - 1)
  for _, field in ipairs(old) do redis.call('HDEL', KEYS[1], field) end
end
return 1
`;

const MAX_LABELS = 40;
const MAX_LABEL_NAME = 100;
const MAX_LABEL_VALUE = 256;

/** Labels can be anything a tool sends; what is kept of them is bounded. */
function boundedLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(labels)
      .slice(0, MAX_LABELS)
      .map(([k, v]) => [k.slice(0, MAX_LABEL_NAME), v.slice(0, MAX_LABEL_VALUE)]),
  );
}

type RecordCommand = (hashKey: string, seenKey: string, ...args: string[]) => Promise<number>;

export class RedisUnroutedLog implements UnroutedLog {
  private readonly run: RecordCommand;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly capacity = 1000,
  ) {
    if (!('heraldRecordUnrouted' in redis)) redis.defineCommand('heraldRecordUnrouted', { numberOfKeys: 2, lua: RECORD_SCRIPT });
    this.run = (redis as unknown as { heraldRecordUnrouted: RecordCommand }).heraldRecordUnrouted.bind(redis);
  }

  private get hashKey(): string {
    return `${this.prefix}:unrouted`;
  }

  private get seenKey(): string {
    return `${this.prefix}:unrouted:seen`;
  }

  async record(alerts: readonly UnroutedAlert[]): Promise<void> {
    if (alerts.length === 0) return;
    const args: string[] = [String(this.capacity)];
    // Later alerts of the same webhook rank after earlier ones, so the newest stay when trimming.
    alerts.slice(-this.capacity).forEach((alert, i) => {
      const seen = Date.parse(alert.receivedAt) * 1000 + i;
      args.push(alert.alertId, String(seen), JSON.stringify({ ...alert, labels: boundedLabels(alert.labels) }));
    });
    await this.run(this.hashKey, this.seenKey, ...args);
  }

  async latest(limit: number): Promise<UnroutedAlert[]> {
    const ids = await this.redis.zrevrange(this.seenKey, 0, limit - 1);
    if (ids.length === 0) return [];
    const raw = await this.redis.hmget(this.hashKey, ...ids);
    return raw.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as UnroutedAlert);
  }
}
