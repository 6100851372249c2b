import { DelayedError, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { claimPostInAccount } from '../incidents/accounts.ts';
import { failPost, recordPosted, releasePost, sameTweetText, type Claim, type Composer } from '../incidents/delivery-rules.ts';
import type { Post } from '../incidents/model.ts';
import type { IncidentStore } from '../incidents/store.ts';
import { withLogContext } from '../ops/log-context.ts';
import { PublishError, type Publisher } from './publisher.ts';
import { deliveryBackoff, POSTS_QUEUE, type DeliveryJob, type Queues } from './queues.ts';

export interface DeliveryDeps {
  connection: ConnectionOptions;
  prefix: string;
  store: IncidentStore;
  queues: Queues;
  publisher: Publisher;
  compose: Composer;
  logger: Logger;
  concurrency?: number;
}

/** How many of the account's latest posts are searched for one whose outcome was unknown. */
const RECONCILE_WINDOW = 50;
/** A reply to a tweet X does not show yet is retried this often before it becomes a new root. */
const PARENT_MISSING_TRIES = 3;

type Ctx = { job: Job<DeliveryJob>; token: string | undefined; log: Logger };

export class Delivery {
  constructor(private readonly deps: DeliveryDeps) {}

  async run(job: Job<DeliveryJob>, token?: string): Promise<string> {
    const { key, postId } = job.data;
    const ctx: Ctx = { job, token, log: this.deps.logger.child({ incident: key, post: postId }) };
    const claim = await this.claim(key, postId, ctx);
    switch (claim.action) {
      case 'skip':
        return `skipped: ${claim.reason}`;
      case 'wait':
        await job.moveToDelayed(claim.untilMs, token);
        throw new DelayedError(claim.reason);
      case 'reconcile':
        return (await this.adoptIfPosted(key, claim.post, ctx)) ?? this.send(key, claim.post, ctx);
      case 'send':
        return this.send(key, claim.post, ctx);
    }
  }

  private async claim(key: string, postId: string, ctx: Ctx): Promise<Claim> {
    try {
      return await this.deps.store.update(key, (current) => {
        const { incident, claim } = claimPostInAccount(current, postId, Date.now(), this.deps.compose);
        return { next: incident, result: claim };
      });
    } catch (err) {
      if (!(err instanceof Error) || err.name !== 'ComposeError') throw err;
      // No variant of the message can be posted: a person must fix the catalog; retrying cannot help.
      await this.deps.store.update(key, (current) => ({ next: failPost(current, postId, err.message), result: null }));
      ctx.log.error({ err }, 'no postable text for this post; it will not be sent');
      throw new UnrecoverableError(err.message);
    }
  }

  /** A post found `sending` may be live already: look before posting again. */
  private async adoptIfPosted(key: string, post: Post, ctx: Ctx): Promise<string | undefined> {
    const recent = await this.deps.publisher.recentPosts(RECONCILE_WINDOW, post.account);
    const match = recent.find((r) => sameTweetText(post.text ?? '', r.text) && (r.inReplyTo ?? undefined) === post.inReplyTo);
    if (!match) {
      ctx.log.warn('outcome of an earlier attempt was unknown and the post is not on the account: sending it again');
      return undefined;
    }
    await this.deps.store.update(key, (current) => ({ next: recordPosted(current, post.id, { id: match.id, postedAt: new Date().toISOString() }), result: null }));
    ctx.log.info({ tweet: match.id }, 'adopted a post that went out although its answer was lost');
    return `adopted ${match.id}`;
  }

  private async send(key: string, post: Post, ctx: Ctx): Promise<string> {
    try {
      const tweet = await this.deps.publisher.post({ text: post.text!, inReplyTo: post.inReplyTo, account: post.account });
      await this.deps.store.update(key, (current) => ({ next: recordPosted(current, post.id, tweet), result: null }));
      ctx.log.info({ tweet: tweet.id, inReplyTo: post.inReplyTo, mode: this.deps.publisher.mode }, 'posted');
      return `posted ${tweet.id}`;
    } catch (err) {
      if (!(err instanceof PublishError)) throw err;
      return this.onRefused(key, post, err, ctx);
    }
  }

  /** The one place where an answer from X becomes queue behaviour (see the README's design notes). */
  private async onRefused(key: string, post: Post, err: PublishError, ctx: Ctx): Promise<never> {
    const release = (change: Parameters<typeof releasePost>[2]) =>
      this.deps.store.update(key, (current) => ({ next: releasePost(current, post.id, change), result: null }));
    ctx.log.warn({ reason: err.reason, status: err.details.status, attempt: post.attempts }, err.message);
    switch (err.reason) {
      case 'outcome-unknown':
        // Left `sending`: the next attempt reconciles before it posts.
        throw err;
      case 'rate-limited': {
        await release({ note: err.message });
        const waitMs = Math.max(1000, (err.details.retryAt?.getTime() ?? Date.now() + 60_000) - Date.now());
        await this.deps.queues.posts.rateLimit(waitMs);
        throw Worker.RateLimitError();
      }
      case 'duplicate':
        await release({ note: 'X refused the text as a duplicate; the next variant will be used', nextVariant: true });
        throw err;
      case 'reply-refused':
        await release({ note: 'X refused the reply; it will be posted as a new tweet that refers to the first', asRoot: true });
        throw err;
      case 'parent-missing':
        await release({ note: err.message, asRoot: post.attempts >= PARENT_MISSING_TRIES });
        throw err;
      case 'invalid':
        await this.deps.store.update(key, (current) => ({ next: failPost(current, post.id, err.message), result: null }));
        throw new UnrecoverableError(err.message);
      case 'unauthorized':
      case 'payment-required':
        ctx.log.error({ reason: err.reason }, 'X refused herald\'s credentials or access tier: posting is stuck until this is fixed');
        await release({ note: err.message });
        throw err;
      case 'server-error':
        await release({ note: err.message });
        throw err;
    }
  }
}

export function startDeliveryWorker(deps: DeliveryDeps): Worker<DeliveryJob> {
  const delivery = new Delivery(deps);
  const worker = new Worker<DeliveryJob>(POSTS_QUEUE, (job, token) => withLogContext({ incident: job.data.key, post: job.data.postId }, () => delivery.run(job, token)), {
    connection: deps.connection,
    prefix: deps.prefix,
    concurrency: deps.concurrency ?? 4,
    // A stalled post is run again on purpose: the claim sees it `sending` and reconciles first.
    maxStalledCount: 10,
    settings: { backoffStrategy: (attemptsMade: number) => deliveryBackoff(attemptsMade) },
  });
  worker.on('failed', (job, err) => deps.logger.warn({ incident: job?.data.key, post: job?.data.postId, err: err.message }, 'delivery attempt failed'));
  worker.on('error', (err) => deps.logger.error({ err }, 'delivery worker error'));
  return worker;
}
