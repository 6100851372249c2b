import type { Logger } from 'pino';
/**
 * The edge between herald and wherever posts go: one publisher per account (X, Bluesky, Mastodon,
 * or the dry-run outbox), built in app/accounts.ts.
 * Only adapters in this folder import twitter-api-v2.
 */

/** The networks herald posts to. */
export type Network = 'x' | 'bluesky' | 'mastodon';

export interface PublishRequest {
  text: string;
  /** Tweet id to reply under; absent for a thread's root. */
  inReplyTo?: string;
  /** Bluesky: the content id of `inReplyTo` (a reply carries strong references). */
  inReplyToCid?: string;
  /** Stable for one text of one post: Mastodon answers a repeat with the status it already created. */
  idempotencyKey?: string;
  /** The delivery job's logger (incident and post bound): the publisher's lines about this post go there. */
  log?: Logger;
}

/** Where a publisher logs what became of one post: the delivery's logger when it came with one, else its own. */
export function postLogger(request: Pick<PublishRequest, 'log'>, publisher: string, own: Logger | undefined): Logger | undefined {
  return request.log?.child({ publisher }) ?? own;
}

export interface PublishedPost {
  id: string;
  text: string;
  /** ISO time the post went live (the adapter's clock when the network does not say). */
  postedAt: string;
  /** Its public address, when the network says (Mastodon) or it can be built (Bluesky). */
  url?: string;
  /** Bluesky's content id, needed to reply under it. */
  cid?: string;
}

export interface RecentPost {
  id: string;
  text: string;
  inReplyTo?: string;
  /** When the network says it was created (ISO); absent if it does not say. */
  createdAt?: string;
  url?: string;
  cid?: string;
}

export interface Publisher {
  /** `x` or `dry-run`: logged at start and shown in the API. */
  readonly mode: string;
  post(request: PublishRequest): Promise<PublishedPost>;
  /** The account's latest posts, newest first, to reconcile a post whose outcome is unknown. */
  recentPosts(limit: number): Promise<RecentPost[]>;
  /** A cheap call that succeeds only while the network accepts the credentials; rejects with a PublishError. */
  verify?(): Promise<void>;
}

/**
 * Why a post did not go out, as the delivery worker must treat it. `retryable` says whether the
 * same request may succeed later; `outcomeUnknown` says the post may already be live.
 */
export type PublishFailureReason =
  | 'rate-limited' // 429: wait until `retryAt`
  | 'duplicate' // 403 duplicate content: change the text, do not retry as is
  | 'reply-refused' // 403 reply not allowed (2026 rule): post as a new root instead
  | 'parent-missing' // 403/404 parent deleted or not visible yet: brief retry, then a new root
  | 'unauthorized' // 401/403 credentials or access tier: stop posting, keep the queue, alert
  | 'payment-required' // 402 credits exhausted: as unauthorized
  | 'invalid' // 400: the request itself is wrong; retrying cannot help
  | 'server-error' // 5xx: retry with backoff; X does not count it, so neither does the budget
  | 'unreachable' // no connection to X was made (refused, DNS): nothing was sent, retry with backoff
  | 'outcome-unknown'; // timeout, reset, no answer: reconcile before retrying

export class PublishError extends Error {
  override readonly name = 'PublishError';
  constructor(
    readonly reason: PublishFailureReason,
    message: string,
    readonly details: { status?: number; retryAt?: Date; cause?: unknown } = {},
  ) {
    super(message, { cause: details.cause });
  }

  get outcomeUnknown(): boolean {
    return this.reason === 'outcome-unknown';
  }

  get retryable(): boolean {
    return this.reason === 'rate-limited' || this.reason === 'server-error' || this.reason === 'unreachable' || this.reason === 'parent-missing' || this.reason === 'outcome-unknown';
  }
}
