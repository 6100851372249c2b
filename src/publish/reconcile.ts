import { sameTweetText } from '../incidents/delivery-rules.ts';
import type { Post } from '../incidents/model.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { Budget } from './budget.ts';
import { PublishError, type Publisher, type RecentPost } from './publisher.ts';

/**
 * Finding a post on X whose outcome herald does not know (docs/delivery.md,
 * "Never twice"). A tweet is adopted only if it has the post's text and parent, is not older than the
 * post's first attempt, and no other post owns it already.
 */

/** One page of the account's timeline: the most X returns in one read. */
const RECONCILE_WINDOW = 100;
/** X writes `created_at` in whole seconds and its clock is not ours. */
const CLOCK_SLACK_MS = 5_000;
const OWNER_TTL_SECONDS = 30 * 24 * 3600;

/** The reading budget is spent: look again at `retryAtMs`. */
export class ReadBudgetSpent extends Error {
  override readonly name = 'ReadBudgetSpent';
  constructor(readonly retryAtMs: number) {
    super(`the budget for reading X is spent until ${new Date(retryAtMs).toISOString()}`);
  }
}

/**
 * Which post each tweet stands for, so two posts can never adopt the same tweet. Written before
 * the tweet id is recorded in the incident, kept for a month.
 */
export class TweetOwners {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  /** Makes `owner` the tweet's owner unless another owns it; true when `owner` owns it now. */
  async claim(tweetId: string, owner: string): Promise<boolean> {
    const previous = (await this.redis.call('SET', `${this.prefix}:tweet:${tweetId}`, owner, 'NX', 'GET', 'EX', OWNER_TTL_SECONDS)) as string | null;
    return previous === null || previous === owner;
  }
}

export const ownerOf = (key: string, postId: string): string => JSON.stringify([key, postId]);

export interface Reconciler {
  publisher: Publisher;
  reads: Budget;
  owners: TweetOwners;
}

/**
 * One page of the account's own latest posts, paid for with a unit of its read budget (never a
 * posting unit). Throws {@link ReadBudgetSpent}, or the reader's `PublishError` when the network
 * cannot be read now.
 */
export async function readOwnPosts(deps: Pick<Reconciler, 'publisher' | 'reads'>, limit = RECONCILE_WINDOW): Promise<RecentPost[]> {
  const unit = await deps.reads.take();
  if (!unit.ok) throw new ReadBudgetSpent(unit.retryAtMs);
  try {
    return await deps.publisher.recentPosts(limit);
  } catch (err) {
    // Only a read X answered counts against its limit; a failed one gives its unit back (a 429 is X's count).
    if (!(err instanceof PublishError && err.reason === 'rate-limited')) await deps.reads.refund(unit.ticket);
    throw err;
  }
}

/**
 * The tweet on X that is this post, if any. Throws {@link ReadBudgetSpent} or the reader's
 * `PublishError` when X cannot be read now: the caller must then wait, never post blindly.
 */
export async function findOnX(deps: Reconciler, key: string, post: Post): Promise<RecentPost | undefined> {
  const recent = await readOwnPosts(deps);
  const notBefore = post.attemptedAt ? Date.parse(post.attemptedAt) - CLOCK_SLACK_MS : -Infinity;
  for (const tweet of recent) {
    if (!sameTweetText(post.text ?? '', tweet.text) || (tweet.inReplyTo ?? undefined) !== post.inReplyTo) continue;
    if (tweet.createdAt && Date.parse(tweet.createdAt) < notBefore) continue;
    if (await deps.owners.claim(tweet.id, ownerOf(key, post.id))) return tweet;
  }
  return undefined;
}
