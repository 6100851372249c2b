import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { deletePrefix } from '../../test/helpers/herald.ts';

export { deletePrefix };

/** Every run writes under its own prefix, so it never touches herald's or a test's data. */
export const benchPrefix = (bench: string): string => `herald-bench-${bench}-${randomUUID().slice(0, 8)}`;

export function connectRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null });
}

/** `used_memory` from INFO memory: the whole server, so other clients' writes show up too. */
export async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  const match = /^used_memory:(\d+)/m.exec(info);
  if (!match) throw new Error('INFO memory did not report used_memory');
  return Number(match[1]);
}

/** Bytes and key count under `prefix`, summed from MEMORY USAGE: this run's data and nothing else. */
export async function prefixMemory(redis: Redis, prefix: string): Promise<{ bytes: number; keys: number }> {
  let cursor = '0';
  let bytes = 0;
  let keys = 0;
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (batch.length === 0) continue;
    const pipeline = redis.pipeline();
    for (const key of batch) pipeline.memory('USAGE', key, 'SAMPLES', 0);
    for (const [err, size] of (await pipeline.exec()) ?? []) {
      if (!err && typeof size === 'number') bytes += size;
    }
    keys += batch.length;
  } while (cursor !== '0');
  return { bytes, keys };
}
