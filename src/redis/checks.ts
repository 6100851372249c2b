import { Cluster, type Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RedisClient, RedisTarget } from './connect.ts';
import { connectedReplicas, type ReplicationSettings } from './replicas.ts';

/** What herald reads of a master's settings: `INFO persistence`, `memory` and `replication`. */
export interface MasterFacts {
  address: string;
  aofEnabled: boolean;
  evictionPolicy: string;
  replicas: number;
}

const field = (info: string, name: string): string | undefined => new RegExp(`^${name}:(.*?)\\r?$`, 'm').exec(info)?.[1];

export function masterFacts(address: string, info: string): MasterFacts {
  return {
    address,
    aofEnabled: field(info, 'aof_enabled') === '1',
    evictionPolicy: field(info, 'maxmemory_policy') ?? 'unknown',
    replicas: connectedReplicas(info),
  };
}

/**
 * What is unsafe about a master for herald, as warnings that say what to set. Replicas matter
 * only where failover is expected (Sentinel, Cluster) or replicas are required.
 */
export function redisSetupWarnings(facts: MasterFacts, target: RedisTarget, replication: ReplicationSettings): string[] {
  const warnings: string[] = [];
  const at = `Redis at ${facts.address}`;
  if (!facts.aofEnabled) {
    warnings.push(`${at} keeps no append-only file (appendonly no): a restart loses the claims that keep herald from posting twice (and herald then holds posting, docs/faults.md). Set appendonly yes, with appendfsync always on a single server (docs/failover.md).`);
  }
  if (facts.evictionPolicy !== 'noeviction') {
    warnings.push(`${at} may evict keys under memory pressure (maxmemory-policy ${facts.evictionPolicy}): herald's claims and queues could vanish. Set maxmemory-policy noeviction (docs/failover.md).`);
  }
  const failover = Boolean(target.sentinels || target.clusterNodes);
  if (replication.minReplicas !== undefined && facts.replicas < replication.minReplicas) {
    warnings.push(`${at} has ${facts.replicas} replica(s) attached and HERALD_REDIS_MIN_REPLICAS is ${replication.minReplicas}: nothing is posted until enough replicas confirm each claim. Attach replicas or lower the setting.`);
  } else if (failover && facts.replicas === 0) {
    warnings.push(`${at} has no replica attached: a failover has nothing to promote, and claims are not confirmed on a replica before X is called. Attach a replica (docs/failover.md).`);
  }
  return warnings;
}

function mastersOf(redis: RedisClient): Redis[] {
  return redis instanceof Cluster ? redis.nodes('master') : [redis];
}

/**
 * Reads each master's settings once at start and logs a warning for each unsafe one. Never throws:
 * a managed Redis may refuse INFO sections, and herald runs anyway.
 */
export async function checkRedisSetup(redis: RedisClient, target: RedisTarget, replication: ReplicationSettings, logger: Logger): Promise<string[]> {
  const warnings: string[] = [];
  for (const node of mastersOf(redis)) {
    // Through Sentinel, the options name no server: the socket says which master answered.
    const address = node.stream?.remoteAddress ? `${node.stream.remoteAddress}:${node.stream.remotePort}` : `${node.options.host}:${node.options.port}`;
    try {
      const info = await node.info();
      warnings.push(...redisSetupWarnings(masterFacts(address, info), target, replication));
    } catch (err) {
      logger.warn({ redis: address, err: (err as Error).message }, 'could not read the Redis settings herald checks at start (INFO); see docs/failover.md for what they should be');
    }
  }
  for (const warning of warnings) logger.warn(warning);
  return warnings;
}
