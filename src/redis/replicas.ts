import { Cluster, type Redis } from 'ioredis';
import type { RedisClient } from './connect.ts';

/**
 * Redis replication is asynchronous: a write the master confirmed can vanish when a replica that
 * had not received it yet is promoted. Before herald calls X on a claim (and after it records the
 * tweet id), it asks the master to confirm that replicas hold every write made so far (`WAIT`).
 * Where the master has no replica (one server, the embedded default) there is nothing to wait for.
 */
export interface ReplicationSettings {
  /** Replicas that must hold a claim; unset: 1 where the master has replicas attached, else 0. */
  minReplicas?: number;
  /** How long one `WAIT` may take before the post waits and tries again. */
  waitMs: number;
}

/** What the master said: how many replicas it wanted and how many confirmed. */
export interface Confirmation {
  ok: boolean;
  wanted: number;
  acked: number;
}

/** `connected_slaves` from `INFO replication`; 0 when it cannot be read. */
export function connectedReplicas(info: string): number {
  return Number(/^connected_slaves:(\d+)/m.exec(info)?.[1] ?? 0);
}

/** How long a master's count of attached replicas is trusted before `INFO` is asked again. */
const REPLICA_COUNT_TTL_MS = 5000;

export class ReplicaWait {
  private readonly slots = new Map<string, number>();
  private readonly replicaCounts = new Map<Redis, { count: number; until: number }>();

  constructor(
    private readonly redis: RedisClient,
    private readonly settings: ReplicationSettings,
  ) {}

  /**
   * Waits until enough replicas hold every write this connection sent to the master of `key`'s
   * slot. `WAIT` must go on the very connection that wrote: in a Cluster that is the connection to
   * the node serving the key, which the Cluster client keeps one of per node.
   */
  async confirm(key: string): Promise<Confirmation> {
    const node = await this.nodeFor(key);
    const wanted = this.settings.minReplicas ?? Math.min(1, await this.attachedReplicas(node));
    if (wanted === 0) return { ok: true, wanted, acked: 0 };
    const acked = Number(await node.call('WAIT', wanted, this.settings.waitMs));
    return { ok: acked >= wanted, wanted, acked };
  }

  /**
   * Asked at most every few seconds: on the webhook path an `INFO` per request would cost a round
   * trip for nothing on the single Redis most installations run. A replica attached since is
   * waited for from the next reading on.
   */
  private async attachedReplicas(node: Redis): Promise<number> {
    const known = this.replicaCounts.get(node);
    if (known && known.until > Date.now()) return known.count;
    const count = connectedReplicas(await node.info('replication'));
    this.replicaCounts.set(node, { count, until: Date.now() + REPLICA_COUNT_TTL_MS });
    return count;
  }

  private async nodeFor(key: string): Promise<Redis> {
    if (!(this.redis instanceof Cluster)) return this.redis;
    // Every key herald touches together shares the prefix's hash tag, so the slot is worth keeping.
    const tag = /\{[^{}]+\}/.exec(key)?.[0] ?? key;
    let slot = this.slots.get(tag);
    if (slot === undefined) {
      slot = Number(await this.redis.cluster('KEYSLOT', key));
      this.slots.set(tag, slot);
    }
    const owner = this.redis.slots[slot]?.[0];
    const node = this.redis.nodes('master').find((n) => `${n.options.host}:${n.options.port}` === owner);
    if (!node) throw new Error(`no connection to the Redis Cluster node serving slot ${slot} yet; the cluster may be failing over`);
    return node;
  }
}
