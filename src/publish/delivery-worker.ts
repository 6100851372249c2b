import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { DelayedError, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { DRAFT_RECHECK_MS } from '../incidents/draft-rules.ts';
import type { DraftNews } from '../incidents/draft-news.ts';
import { ComposeError } from '../compose/errors.ts';
import { accountOf, claimPostInAccount, DEFAULT_ACCOUNT } from '../incidents/accounts.ts';
import { budgetClass, inFlood, type BudgetClass } from '../incidents/delivery-priority.ts';
import { holdUncomposable, combinationOf, UNCOMPOSABLE_WAIT_MS } from '../incidents/uncomposable.ts';
import { failPost, markOutcomeUnknown, refusePost, releasePost, type Attempt, type Claim, type Composer, type Release } from '../incidents/delivery-rules.ts';
import type { Incident, Post } from '../incidents/model.ts';
import type { IncidentStore } from '../incidents/store.ts';
import type { ReplicaWait } from '../redis/replicas.ts';
import type { DeliveryGuards } from './delivery-guards.ts';
import type { Take } from './budget.ts';
import { PublishError, type PublishedPost, type Publisher, type RecentPost } from './publisher.ts';
import { deliveryBackoff, deliveryJobId, POSTS_QUEUE, stallTimings, type DeliveryJob, type Queues } from '../queues.ts';
import { findOnX, ownerOf, ReadBudgetSpent } from './reconcile.ts';
import { ReplicatedClaims } from './replicated-claim.ts';

export interface DeliveryDeps {
  connection: ConnectionOptions;
  prefix: string;
  store: IncidentStore;
  queues: Queues;
  publisher: Publisher;
  compose: Composer;
  guards: DeliveryGuards;
  logger: Logger;
  concurrency?: number;
  /** Confirms a claim is on a replica before X is called (redis/replicas.ts); absent: no waiting. */
  replicas?: ReplicaWait;
  /** Told when a post becomes a draft: X refused it for good, or no text could be composed (staff notices, the console). */
  news?: DraftNews;
  /** Told of every post recorded, so a Redis that forgets right after is reported with it (ops/known-threads.ts). */
  threads?: { note(incident: Incident): void };
  /** Counts posts no text could be composed for (herald_posts_total{outcome="uncomposable"}), by the post's account. */
  uncomposable?: (account: string) => void;
  /** Whether the incident opened in a flood (incidents/adapters/flood-gate.ts): its posts then leave the budget's reserve. */
  openedInFlood?: (incident: Incident) => Promise<boolean>;
}

/** How long a post waits after X failed to answer it: 1 s, doubling, at most 30 s (the breaker takes over). */
const unavailableBackoff = (attempts: number) => Math.min(30_000, 1000 * 2 ** Math.max(0, attempts - 1));

/** A reply to a tweet X does not show yet is retried this often before it becomes a new root. */
const PARENT_MISSING_TRIES = 3;
/** A claim no replica confirmed is tried again this much later (no attempt is used up). */
const UNREPLICATED_RETRY_MS = 1_000;

type Ctx = { job: Job<DeliveryJob>; token: string | undefined; log: Logger; attempt: Attempt; ticket?: string };

/** One per text of a post (a new text starts a new `attemptedAt`): a network that honours it answers a repeat with the first post. */
const idempotencyKey = (key: string, post: Post) => `${deliveryJobId(key, post.id)}-${Date.parse(post.attemptedAt ?? '') || 0}`;

/** How the budget names a post it holds back. */
const heldId = (key: string, post: Post) => `${key}~${post.id}`;

/** Decisions only: the text is composed for real in the atomic claim. */
const noText: Composer = () => ({ text: '', variant: 0 });

/**
 * Delivers one planned tweet: budget, atomic claim, reconcile or post, record. Every answer from X
 * becomes queue behaviour in `onRefused` (docs/design-notes.md has the table).
 */
export class Delivery {
  private readonly replicated: ReplicatedClaims;

  constructor(private readonly deps: DeliveryDeps) {
    this.replicated = new ReplicatedClaims(deps.replicas, deps.store, deps.prefix);
  }

  private get guards(): DeliveryGuards {
    return this.deps.guards;
  }

  async run(job: Job<DeliveryJob>, token?: string): Promise<string> {
    const { key, postId } = job.data;
    const attempt: Attempt = { claim: randomUUID(), leaseMs: this.guards.leaseMs };
    const ctx: Ctx = { job, token, attempt, log: this.deps.logger.child({ incident: key, post: postId }) };

    // Most runs wait (not due, an earlier post still out) or find nothing to do: look before paying.
    const snapshot = await this.deps.store.get(key);
    const preview = claimPostInAccount(snapshot, postId, Date.now(), noText, attempt).claim;
    if (preview.action === 'skip') {
      // Some skips change the record (a draft past its deadline expires, a reply without a thread
      // fails): keep those; the store writes nothing when nothing changed.
      await this.change(key, (current) => {
        const again = claimPostInAccount(current, postId, Date.now(), noText, attempt);
        return again.claim.action === 'skip' ? again.incident : current;
      });
      return this.settle(preview, ctx);
    }
    if (preview.action === 'wait') return this.settle(preview, ctx);

    // Reconciling costs a read, not a posting unit: the unit is taken only when a post will be sent.
    if (preview.action === 'send') {
      const unit = await this.takeUnit(key, snapshot!, preview.post, ctx);
      if (!unit.ok) return this.heldByBudget(key, preview.post, unit, ctx);
      ctx.ticket = unit.ticket;
    }

    const claim = await this.claim(key, postId, ctx);
    if (claim.action === 'skip' || claim.action === 'wait') {
      await this.refund(ctx);
      return this.settle(claim, ctx);
    }
    if (!(await this.claimReplicated(key, claim, ctx))) return this.park(ctx, Date.now() + UNREPLICATED_RETRY_MS, 'no replica confirmed the claim yet');
    if (claim.action === 'reconcile') {
      const found = await this.lookOnX(key, claim.post, ctx);
      if (found) return found;
      ctx.log.warn('an earlier attempt had no known outcome and the post is not on the account: sending it again');
    }
    if (!ctx.ticket) {
      const unit = await this.takeUnit(key, snapshot!, claim.post, ctx);
      if (!unit.ok) {
        await this.change(key, (current) => releasePost(current, postId, { note: 'waiting for the posting budget', claim: ctx.attempt.claim, uncertain: true }));
        return this.heldByBudget(key, claim.post, unit, ctx);
      }
      ctx.ticket = unit.ticket;
    }
    return this.send(key, claim.post, ctx);
  }

  /** A unit of the account's budget for the post's class; a post the budget held back is no longer waiting once it has one. */
  private async takeUnit(key: string, incident: Incident, post: Post, ctx: Ctx): Promise<Take & { cls: BudgetClass }> {
    const base = budgetClass(incident, post);
    // Only a class that may use the reserve needs the look in Redis.
    const cls = (base === 'reply' || base === 'essential') && (await this.deps.openedInFlood?.(incident)) ? inFlood(base) : base;
    const unit = await this.guards.budget.take(cls);
    if (unit.ok && (await this.guards.budget.sent(heldId(key, post)))) ctx.log.info({ cls }, 'the posting budget has room again: sending');
    return { ...unit, cls };
  }

  /** The budget holds the post back: said once per post, with when it goes, and counted on /healthz/x. */
  private async heldByBudget(key: string, post: Post, unit: { retryAtMs: number; cls: BudgetClass }, ctx: Ctx): Promise<never> {
    const goesAt = new Date(unit.retryAtMs).toISOString();
    if (await this.guards.budget.holding(heldId(key, post), unit.retryAtMs)) {
      ctx.log.warn({ kind: post.kind, cls: unit.cls, goesAt }, `the posting budget holds this post back (${unit.cls === 'reply' ? 'every unit is spent' : unit.cls === 'flood-reply' ? 'what is left is the reserve, which no incident opened in a flood uses' : 'what is left is kept for replies in live threads'}); it goes out at ${goesAt}`);
    }
    return this.park(ctx, unit.retryAtMs, 'the posting budget is spent for posts of this priority');
  }

  private async settle(claim: Extract<Claim, { action: 'skip' | 'wait' }>, ctx: Ctx): Promise<string> {
    if (claim.action === 'skip') return `skipped: ${claim.reason}`;
    return this.park(ctx, claim.untilMs, claim.reason);
  }

  /** Puts the job back until `untilMs` without using up an attempt. */
  private async park(ctx: Ctx, untilMs: number, reason: string): Promise<never> {
    await ctx.job.moveToDelayed(Math.max(untilMs, Date.now()), ctx.token);
    throw new DelayedError(reason);
  }

  private async refund(ctx: Ctx): Promise<void> {
    if (ctx.ticket) await this.guards.budget.refund(ctx.ticket);
    ctx.ticket = undefined;
  }

  private change(key: string, edit: (current: Incident | null) => Incident | null): Promise<null> {
    return this.deps.store.update(key, (current) => ({ next: edit(current), result: null }));
  }

  private async claim(key: string, postId: string, ctx: Ctx): Promise<Claim> {
    try {
      return await this.deps.store.update(key, (current) => {
        const { incident, claim } = claimPostInAccount(current, postId, Date.now(), this.deps.compose, ctx.attempt);
        return { next: incident, result: claim };
      });
    } catch (err) {
      await this.refund(ctx);
      if (!(err instanceof ComposeError)) throw err;
      return this.holdForAPerson(key, postId, err, ctx);
    }
  }

  /**
   * No variant of the message can be posted (retrying cannot help): the post is not dropped but
   * waits as a draft for a person to write, staff are told, and the job sleeps until its deadline.
   */
  private async holdForAPerson(key: string, postId: string, err: ComposeError, ctx: Ctx): Promise<never> {
    const nowMs = Date.now();
    await this.change(key, (current) => holdUncomposable(current, postId, err.message, nowMs));
    const incident = await this.deps.store.get(key);
    const post = incident?.posts.find((p) => p.id === postId);
    this.deps.uncomposable?.(post ? accountOf(post) : DEFAULT_ACCOUNT);
    ctx.log.error({ situation: err.situation, combination: incident && post ? combinationOf(incident, post) : undefined, reason: err.message }, 'no postable text for this post: it waits as a draft for a person to write');
    if (incident && post?.status === 'draft') await this.deps.news?.drafted(incident, post);
    return this.park(ctx, post?.approval ? Date.parse(post.approval.deadline) : nowMs + UNCOMPOSABLE_WAIT_MS, 'no postable text: waiting for a person');
  }

  /** Adopts the post's tweet if it is on X already; undefined when it is not. */
  private async lookOnX(key: string, post: Post, ctx: Ctx): Promise<string | undefined> {
    let match: RecentPost | undefined;
    try {
      match = await findOnX({ publisher: this.deps.publisher, reads: this.guards.reads, owners: this.guards.owners }, key, post);
    } catch (err) {
      return this.onUnreadable(key, post, err, ctx);
    }
    await this.guards.account.answered();
    if (!match) return undefined;
    await this.refund(ctx);
    await this.record(key, post, { id: match.id, text: match.text, postedAt: match.createdAt ?? new Date().toISOString(), url: match.url, cid: match.cid }, ctx);
    ctx.log.info({ tweet: match.id }, 'adopted a post that went out although its answer was lost');
    return `adopted ${match.id}`;
  }

  /** X cannot be read now: the post stays `sending` (unknown), free for the next attempt, and nothing is posted. */
  private async onUnreadable(key: string, post: Post, err: unknown, ctx: Ctx): Promise<never> {
    await this.refund(ctx);
    await this.change(key, (current) => markOutcomeUnknown(current, post.id, ctx.attempt.claim, Date.now(), 0));
    if (err instanceof ReadBudgetSpent) return this.park(ctx, err.retryAtMs, err.message);
    if (!(err instanceof PublishError)) throw err;
    ctx.log.warn({ reason: err.reason, status: err.details.status }, `could not read X to reconcile: ${err.message}`);
    if (err.reason === 'unauthorized' || err.reason === 'payment-required') return this.blockAccount(err, ctx);
    // A read limit is the timeline's own: posting goes on, this post waits for the reset.
    if (err.reason === 'rate-limited') return this.park(ctx, Math.max(err.details.retryAt?.getTime() ?? 0, Date.now() + 1000), err.message);
    if (err.reason === 'server-error' || err.reason === 'unreachable' || err.reason === 'outcome-unknown') return this.xUnavailable(err, post, ctx);
    throw err;
  }

  /**
   * X answered 5xx or could not be reached: the call is not charged (X does not count it), the
   * breaker hears of it, and the job waits a little without using up an attempt. Once the breaker
   * opens the queue is paused; when X answers again every waiting post is woken at once.
   */
  private async xUnavailable(err: PublishError, post: Post, ctx: Ctx): Promise<never> {
    await this.refund(ctx);
    if (await this.guards.account.unavailable(err.message)) {
      ctx.log.error({ reason: err.reason, account: this.guards.account.id }, `X is unavailable; posting is paused, every post is kept, and herald asks X every few seconds: ${err.message}`);
    }
    return this.park(ctx, Date.now() + unavailableBackoff(post.attempts), err.message);
  }

  private async send(key: string, post: Post, ctx: Ctx): Promise<string> {
    let tweet: PublishedPost;
    try {
      tweet = await this.deps.publisher.post({ text: post.text!, inReplyTo: post.inReplyTo, inReplyToCid: post.inReplyToCid, idempotencyKey: idempotencyKey(key, post), log: ctx.log });
    } catch (err) {
      if (!(err instanceof PublishError)) throw err;
      return this.onRefused(key, post, err, ctx);
    }
    await this.guards.owners.claim(tweet.id, ownerOf(key, post.id));
    await this.record(key, post, tweet, ctx);
    ctx.log.info({ tweet: tweet.id, inReplyTo: post.inReplyTo, mode: this.deps.publisher.mode }, 'posted');
    await this.guards.account.posted();
    return `posted ${tweet.id}`;
  }

  /**
   * A claim a failover could erase must not lead to a call to X: another worker would find the post
   * unclaimed on the promoted replica and post it again. Unconfirmed, the claim is handed back (an
   * unknown outcome stays unknown) and the post tries again shortly.
   */
  private async claimReplicated(key: string, claim: Extract<Claim, { action: 'send' | 'reconcile' }>, ctx: Ctx): Promise<boolean> {
    const { claim: id } = ctx.attempt;
    const confirmation = await this.replicated.held(key, claim.post.id, id);
    if (confirmation.ok) return true;
    await this.refund(ctx);
    await this.change(key, (current) =>
      claim.action === 'send'
        ? releasePost(current, claim.post.id, { note: 'waiting for a Redis replica to confirm the claim', claim: id })
        : markOutcomeUnknown(current, claim.post.id, id, Date.now(), 0),
    );
    ctx.log.warn({ wanted: confirmation.wanted, acked: confirmation.acked }, 'the claim is not confirmed on a Redis replica (or did not survive a failover); X is not called until it is');
    return false;
  }

  private async record(key: string, post: Post, tweet: PublishedPost, ctx: Ctx): Promise<void> {
    const incident = await this.replicated.record(key, post, tweet, ctx.log);
    if (incident) this.deps.threads?.note(incident);
    const stored = incident?.posts.find((p) => p.id === post.id)?.tweetId;
    // Only an attempt that outlived its lease can get here; say so loudly, it is a duplicate on X.
    if (stored !== tweet.id) ctx.log.error({ tweet: tweet.id, recorded: stored }, 'this post is on X twice: another attempt recorded a different tweet');
    await this.wakeLaterPosts(incident, post.id);
  }

  /** Posts of the incident that waited for this one (a reply for its parent) need not sleep on. */
  private async wakeLaterPosts(incident: Incident | null, postId: string): Promise<void> {
    const later = incident?.posts.slice(incident.posts.findIndex((p) => p.id === postId) + 1).filter((p) => p.status === 'scheduled') ?? [];
    for (const p of later) {
      const job = await this.deps.queues.posts.getJob(deliveryJobId(incident!.key, p.id));
      if (job && (await job.isDelayed())) await job.promote().catch(() => undefined);
    }
  }

  /** The one place where an answer from X becomes queue behaviour (docs/design-notes.md has the table). */
  private async onRefused(key: string, post: Post, err: PublishError, ctx: Ctx): Promise<string> {
    const release = (change: Release) => this.change(key, (current) => releasePost(current, post.id, { ...change, claim: ctx.attempt.claim }));
    ctx.log.warn({ reason: err.reason, status: err.details.status, attempt: post.attempts }, err.message);
    switch (err.reason) {
      case 'outcome-unknown':
        // Left `sending`; after the settle time the next attempt reads X before it posts again.
        await this.change(key, (current) => markOutcomeUnknown(current, post.id, ctx.attempt.claim, Date.now(), this.guards.settleMs));
        // A hung X counts towards the breaker too; the unit stays charged (the post may be live).
        if (await this.guards.account.unavailable(err.message)) ctx.log.error({ account: this.guards.account.id }, `X is unavailable; posting is paused, every post is kept: ${err.message}`);
        throw err;
      case 'server-error':
        // Rarely, X created the tweet anyway: the same text goes again, and a duplicate refusal then looks on X.
        await release({ note: err.message, uncertain: true });
        return this.xUnavailable(err, post, ctx);
      case 'unreachable':
        await release({ note: err.message });
        return this.xUnavailable(err, post, ctx);
      case 'rate-limited':
        await this.refund(ctx);
        await release({ note: err.message });
        await this.guards.account.rateLimited(err.details.retryAt?.getTime() ?? 0, err.message);
        throw Worker.RateLimitError();
      case 'duplicate': {
        await this.refund(ctx);
        if (post.uncertain) {
          const adopted = await this.lookOnX(key, post, ctx);
          if (adopted) return adopted;
        }
        await release({ note: 'X refused the text as a duplicate; the next variant will be used', nextVariant: true });
        throw err;
      }
      case 'reply-refused':
        await this.refund(ctx);
        await release({ note: 'X refused the reply; it goes out as a new tweet that says what it follows up', asRoot: true });
        return this.park(ctx, Date.now(), 'posting it as a new tweet');
      case 'parent-missing':
        // X may not show a tweet this fresh yet: look again after the settle time, a few times.
        await this.refund(ctx);
        await release({ note: err.message, asRoot: post.attempts >= PARENT_MISSING_TRIES });
        return this.park(ctx, Date.now() + this.guards.settleMs, err.message);
      case 'invalid':
        await this.refund(ctx);
        return this.refusedForGood(key, post, err, ctx);
      case 'unauthorized':
      case 'payment-required':
        await this.refund(ctx);
        // The first refusal is about the account: it is blocked and the post waits with the others. Refused
        // again once X let the account go (the probe, or a person), it is about this very post: an
        // announcement or a resolution then waits for a person instead of blocking the account anew.
        if (post.kind !== 'update' && (post.accountRefusals ?? 0) > 0) return this.refusedForGood(key, post, err, ctx);
        await release({ note: err.message, accountRefused: true });
        return this.blockAccount(err, ctx);
    }
  }

  /**
   * X will never take this request as it is. An announcement or a resolution becomes a draft staff
   * are told about (and `/healthz/x` says `refused`), an update is dropped; either is logged as an
   * error with the incident and the post, never only warned about.
   */
  private async refusedForGood(key: string, post: Post, err: PublishError, ctx: Ctx): Promise<never> {
    const incident = await this.deps.store.update(key, (current) => {
      const next = refusePost(current, post.id, err.message, Date.now(), ctx.attempt.claim);
      return { next, result: next };
    });
    const drafted = incident?.posts.find((p) => p.id === post.id && p.status === 'draft');
    const facts = { reason: err.reason, status: err.details.status, kind: post.kind, account: this.guards.account.id };
    if (!incident || !drafted) {
      ctx.log.error(facts, `X refused this post for good; it is dropped: ${err.message}`);
      throw new UnrecoverableError(err.message);
    }
    await this.guards.refused.add({ incident: key, post: post.id, kind: post.kind, reason: err.message, at: new Date().toISOString() });
    await this.deps.news?.drafted(incident, drafted);
    ctx.log.error(facts, `X refused this post for good; it waits as a draft for a person (the console), and /healthz/x says refused: ${err.message}`);
    return this.park(ctx, Date.now() + DRAFT_RECHECK_MS, 'X refused it; waiting for a person to decide on the draft');
  }

  /** Stops all posting for the account and hands the job back without using up an attempt. */
  private async blockAccount(err: PublishError, ctx: Ctx): Promise<never> {
    if (await this.guards.account.block(err)) {
      ctx.log.error({ reason: err.reason, account: this.guards.account.id }, `X refused herald's credentials, access tier or credits; posting is stopped, every post is kept, and it resumes once X accepts them again (or POST /api/x/resume): ${err.message}`);
    }
    throw Worker.RateLimitError();
  }
}

/** Runs one delivery job; several accounts give each its own guards (account-delivery.ts). */
export type DeliveryRun = (job: Job<DeliveryJob>, token?: string) => Promise<string>;

export function startDeliveryWorker(deps: DeliveryDeps, run?: DeliveryRun): Worker<DeliveryJob> {
  const delivery = new Delivery(deps);
  const runJob: DeliveryRun = run ?? ((job, token) => delivery.run(job, token));
  const lockMs = deps.guards.settings.jobLockMs;
  const worker = new Worker<DeliveryJob>(POSTS_QUEUE, (job, token) => runJob(job, token), {
    connection: deps.connection,
    prefix: deps.prefix,
    concurrency: deps.concurrency ?? 4,
    // A stalled post is run again on purpose: the claim's lease and reconciliation make that safe.
    maxStalledCount: 10,
    ...stallTimings(lockMs),
    // Shown as the job's `processedBy` (Bull Board): which process holds a post in flight.
    name: `${hostname()}:${process.pid}`,
    // BullMQ honours queue.rateLimit (an X 429) only when a limiter is set; this one never binds.
    limiter: { max: 100_000, duration: 1000 },
    settings: { backoffStrategy: (attemptsMade: number) => deliveryBackoff(attemptsMade) },
  });
  worker.on('failed', (job, err) => deps.logger.warn({ incident: job?.data.key, post: job?.data.postId, err: err.message }, 'delivery attempt failed'));
  worker.on('error', (err) => deps.logger.error({ err }, 'delivery worker error'));
  return worker;
}
