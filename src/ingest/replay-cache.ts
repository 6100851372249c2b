import { createHash } from 'node:crypto';
import type { RedisClient } from '../redis/connect.ts';

/**
 * Signed deliveries seen recently, so a captured request cannot be sent again while its signature
 * is still fresh (generic HMAC) or at all within a day (PagerDuty, whose signature has no time).
 * Kept in Redis so every herald process refuses the same replay.
 */
export interface ReplayCache {
  /** True the first time `id` is seen within `ttlMs`; false for a replay. */
  claim(id: string, ttlMs: number): Promise<boolean>;
  /** Forgets `id` again, when the delivery it came with was not accepted after all (the sender retries). */
  release(id: string): Promise<void>;
}

export class RedisReplayCache implements ReplayCache {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  private key(id: string): string {
    return `${this.prefix}:replay:${createHash('sha256').update(id).digest('hex')}`;
  }

  async claim(id: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.key(id), '1', 'PX', ttlMs, 'NX')) === 'OK';
  }

  async release(id: string): Promise<void> {
    await this.redis.del(this.key(id));
  }
}
