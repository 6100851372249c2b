import type { Logger } from 'pino';
import { recordPosted } from '../incidents/delivery-rules.ts';
import type { Incident, Post } from '../incidents/model.ts';
import type { IncidentStore } from '../incidents/store.ts';
import type { Confirmation, ReplicaWait } from '../redis/replicas.ts';
import type { PublishedPost } from './publisher.ts';

/** How often the record of a tweet id is written and waited for again until a replica holds it. */
const RECORD_CONFIRM_TRIES = 5;
const NOTHING_TO_WAIT_FOR: Confirmation = { ok: true, wanted: 0, acked: 0 };

/**
 * The delivery worker's writes that a failover must not erase (docs/failover.md): the claim before
 * X is called, and the tweet id after. Without `replicas`, nothing is waited for.
 */
export class ReplicatedClaims {
  constructor(
    private readonly replicas: ReplicaWait | undefined,
    private readonly store: IncidentStore,
    private readonly prefix: string,
  ) {}

  private confirm(key: string): Promise<Confirmation> {
    return this.replicas ? this.replicas.confirm(`${this.prefix}:incident:${key}`) : Promise.resolve(NOTHING_TO_WAIT_FOR);
  }

  /**
   * Whether X may be called on the claim `claimId` holds on the post: enough replicas confirmed it,
   * and it is still there. A WAIT that ioredis resent after a failover asks the new master, which
   * may never have had the claim, so the claim is read back after the confirmation.
   */
  async held(key: string, postId: string, claimId: string): Promise<Confirmation> {
    const confirmation = await this.confirm(key);
    if (!confirmation.ok || !this.replicas) return confirmation;
    const current = await this.store.get(key);
    return { ...confirmation, ok: current?.posts.find((p) => p.id === postId)?.claim === claimId };
  }

  /**
   * Records the tweet id and waits until a replica holds it, writing it again after a failover
   * (the record is idempotent). Should that never be confirmed, the claim is (it was confirmed
   * before X was called): a promoted replica then shows the post `sending`, and reconciliation
   * finds the tweet on X once the lease ends.
   */
  async record(key: string, post: Post, tweet: PublishedPost, log: Logger): Promise<Incident | null> {
    for (let attempt = 1; ; attempt++) {
      const incident = await this.store.update(key, (current) => {
        const next = recordPosted(current, post.id, tweet);
        return { next, result: next };
      });
      const confirmation = await this.confirm(key);
      if (confirmation.ok) return incident;
      if (attempt >= RECORD_CONFIRM_TRIES) {
        log.warn({ tweet: tweet.id, wanted: confirmation.wanted, acked: confirmation.acked }, 'no Redis replica confirmed the tweet id; if a failover loses it, reconciliation finds the tweet on X');
        return incident;
      }
    }
  }
}
