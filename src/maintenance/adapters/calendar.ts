/**
 * The windows the incident worker checks events against, read from Redis ahead of each batch of
 * events (at most every `maxAgeMs`; concurrent batches share one read), so the check itself stays
 * a pure function inside the store's atomic update.
 */
import type { IncidentStore } from '../../incidents/store.ts';
import type { RedisClient } from '../../redis/connect.ts';
import { quietWindowOf, RELATED_AFTER_MS, type QuietWindow } from '../quiet.ts';

export const maintenanceIndexKey = (prefix: string): string => `${prefix}:maintenance`;

/** Windows longer than this are not expected; older starts are not read. */
const LONGEST_WINDOW_MS = 7 * 24 * 3600_000;

export class MaintenanceCalendar {
  private windows: QuietWindow[] = [];
  private readAtMs = -Infinity;
  private reading: Promise<void> | undefined;

  constructor(
    private readonly deps: { redis: RedisClient; prefix: string; store: IncidentStore; graceMs: number; maxAgeMs?: number },
  ) {}

  /** The windows as last read. */
  current(): readonly QuietWindow[] {
    return this.windows;
  }

  /** Reads the windows again unless the last read is fresh enough. */
  async refresh(): Promise<void> {
    if (Date.now() - this.readAtMs < (this.deps.maxAgeMs ?? 200)) return;
    this.reading ??= this.read().finally(() => (this.reading = undefined));
    await this.reading;
  }

  private async read(): Promise<void> {
    const nowMs = Date.now();
    const keys = await this.deps.redis.zrangebyscore(maintenanceIndexKey(this.deps.prefix), nowMs - LONGEST_WINDOW_MS, nowMs + 60_000);
    const incidents = await Promise.all(keys.map((k) => this.deps.store.get(k)));
    const horizon = nowMs - this.deps.graceMs - RELATED_AFTER_MS;
    this.windows = incidents.flatMap((i) => (i ? (quietWindowOf(i) ?? []) : [])).filter((w) => w.endsMs >= horizon);
    this.readAtMs = nowMs;
  }
}
