import { isRefusedDraft } from '../incidents/delivery-rules.ts';
import type { IncidentStore } from '../incidents/store.ts';
import type { RedisClient } from '../redis/connect.ts';

/** A post the network refused for good, waiting as a draft for a person (incidents/delivery-rules.ts `refusePost`). */
export interface RefusedPost {
  incident: string;
  post: string;
  kind: string;
  /** The network's reason, as the delivery worker logged it. */
  reason: string;
  at: string;
}

/**
 * The account's refused posts, shared by every process through one Redis hash, so `/healthz/x`
 * (in the API process) can say 503 `refused` while any waits for a person. The delivery worker
 * adds an entry when it turns a refusal into a draft; `waiting` drops those a person has decided
 * on since (approved, rejected) or that expired, as the incident record says.
 */
export class RefusedPosts {
  private readonly key: string;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    account: string,
  ) {
    this.key = `${prefix}:account:${account}:refused`;
  }

  async add(entry: RefusedPost): Promise<void> {
    await this.redis.hset(this.key, `${entry.incident}~${entry.post}`, JSON.stringify(entry));
  }

  async remove(incident: string, post: string): Promise<void> {
    await this.redis.hdel(this.key, `${incident}~${post}`);
  }

  /** The refused posts that still wait for a person, oldest first. */
  async waiting(store: Pick<IncidentStore, 'get'>): Promise<RefusedPost[]> {
    const all = Object.values(await this.redis.hgetall(this.key)).map((raw) => JSON.parse(raw) as RefusedPost);
    const still = await Promise.all(
      all.map(async (entry) => {
        const post = (await store.get(entry.incident))?.posts.find((p) => p.id === entry.post);
        if (post && isRefusedDraft(post)) return true;
        await this.remove(entry.incident, entry.post);
        return false;
      }),
    );
    return all.filter((_, i) => still[i]).sort((a, b) => a.at.localeCompare(b.at));
  }
}
