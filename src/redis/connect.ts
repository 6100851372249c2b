import type { ConnectionOptions } from 'bullmq';
import { Cluster, Redis, type RedisOptions } from 'ioredis';

/** A connection to herald's Redis: one server (possibly found through Sentinel) or a Cluster. */
export type RedisClient = Redis | Cluster;

export interface HostPort {
  host: string;
  port: number;
}

/** Where herald's Redis is; exactly one of the three ways applies (config.ts checks it). */
export interface RedisTarget {
  url: string;
  /** Seed nodes of a Redis Cluster; the key prefix must then be hash-tagged (`{herald}`). */
  clusterNodes?: HostPort[];
  /** Sentinels watching the master named `sentinelName`; they say which server is master now. */
  sentinels?: HostPort[];
  sentinelName?: string;
}

/** Password and username in `url` still apply when the nodes come from Cluster or Sentinel settings. */
function credentialsOf(url: string): Pick<RedisOptions, 'username' | 'password'> {
  const parsed = new URL(url);
  return {
    ...(parsed.username && { username: decodeURIComponent(parsed.username) }),
    ...(parsed.password && { password: decodeURIComponent(parsed.password) }),
  };
}

/** Opens a connection with `options` (retry behaviour) to wherever `target` says Redis is. */
export function connectRedis(target: RedisTarget, options: RedisOptions): RedisClient {
  if (target.clusterNodes) {
    return new Cluster(target.clusterNodes, {
      redisOptions: { ...credentialsOf(target.url), ...options },
      enableOfflineQueue: options.enableOfflineQueue ?? true,
    });
  }
  if (target.sentinels) {
    return new Redis({ ...credentialsOf(target.url), ...options, sentinels: target.sentinels, name: target.sentinelName });
  }
  return new Redis(target.url, options);
}

/**
 * The connection BullMQ workers get. Options let each worker open its own connections; a Cluster
 * must be passed as an instance (BullMQ duplicates it for its blocking reads), so the caller's
 * long-lived one is shared and closed by the caller.
 */
export function workerConnection(target: RedisTarget, shared: RedisClient): ConnectionOptions {
  if (target.clusterNodes) return shared;
  if (target.sentinels) return { ...credentialsOf(target.url), sentinels: target.sentinels, name: target.sentinelName, maxRetriesPerRequest: null };
  return { url: target.url, maxRetriesPerRequest: null };
}

/** Resolves once `redis` can take commands; rejects if it gives up connecting first. */
export async function redisReady(redis: RedisClient): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    redis.once('ready', resolve);
    redis.once('end', () => reject(new Error('redis connection ended before it was ready')));
  });
}
