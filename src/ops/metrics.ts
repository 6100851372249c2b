/**
 * herald's Prometheus metrics: one registry per running herald (tests start several in one
 * process), typed so that every part of herald records the same names with the same labels.
 * Parts built elsewhere (approval, delivery budgets) get this object through their deps and call
 * it; gauges whose truth lives in Redis are read at scrape time through the `set...Source` hooks.
 */
import type { Queue } from 'bullmq';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from '@prometheus-io/client';
import type { PublishFailureReason } from '../publish/publisher.ts';
import { heraldVersion } from '../version.ts';
import { QUEUE_SOURCES } from '../incidents/event.ts';

/** What became of one attempt to publish: posted, adopted after a lost answer, or X's refusal. */
export type PostOutcome = 'posted' | 'adopted' | PublishFailureReason;

/** How a webhook request ended, from its HTTP status (see `webhookOutcome`). */
export type WebhookOutcome = 'accepted' | 'invalid' | 'unauthorized' | 'disabled' | 'too-large' | 'throttled' | 'unavailable' | 'error';

/** What a person decided about a draft, for the approval latency histogram. */
export type ApprovalDecision = 'approved' | 'edited' | 'rejected' | 'expired';

/** One window of the X posting budget: `15min`, `24h-user`, `24h-app`, ... */
export interface RateBudget {
  window: string;
  remaining: number;
}

/**
 * The hook the delivery side fills in when it keeps a budget of X calls: read at every scrape.
 * Until one is set, `herald_rate_limit_remaining` has no series.
 */
export type RateBudgetSource = () => Promise<readonly RateBudget[]> | readonly RateBudget[];

/** The drafts waiting for a person, read at every scrape: how many, and how many are past half their deadline. */
export interface DraftsWaiting {
  count: number;
  pastHalfDeadline: number;
}
export type DraftsWaitingSource = () => Promise<DraftsWaiting> | DraftsWaiting;

/** An account's state as `/healthz/accounts` gives it (`posting`, `x-unavailable`, `redis-data-lost`...). */
export interface AccountState {
  account: string;
  network: string;
  state: string;
}
export type AccountStateSource = () => Promise<readonly AccountState[]>;

const QUEUE_STATES = ['waiting', 'delayed', 'active', 'prioritized', 'failed'] as const;

export class HeraldMetrics {
  readonly registry = new Registry();

  /** First alert received to the announcement live on X (or in the dry-run outbox). */
  readonly timeToAnnounce = new Histogram({
    name: 'herald_time_to_announce_seconds',
    help: 'Seconds from the first alert of an incident to its announcement being live',
    // The default grace period is 120 s, so the interesting part sits between one and thirty minutes.
    buckets: [15, 30, 60, 90, 120, 150, 180, 240, 300, 600, 900, 1800, 3600],
    registers: [this.registry],
  });

  readonly webhooks = new Counter<'source' | 'outcome'>({
    name: 'herald_webhooks_total',
    help: 'Webhook requests by source and outcome',
    labelNames: ['source', 'outcome'],
    registers: [this.registry],
  });

  /** New public incidents a source asked for beyond HERALD_FLOOD_NEW_INCIDENTS_PER_MINUTE, kept from the public. */
  readonly floodHeld = new Counter<'source'>({
    name: 'herald_flood_held_total',
    help: 'New public incidents kept from the public because their source was over HERALD_FLOOD_NEW_INCIDENTS_PER_MINUTE, by source',
    labelNames: ['source'],
    registers: [this.registry],
  });

  readonly posts = new Counter<'outcome' | 'network'>({
    name: 'herald_posts_total',
    help: 'Attempts to publish a post, by outcome (posted, adopted, or the reason the network refused) and network (x, bluesky, mastodon)',
    labelNames: ['outcome', 'network'],
    registers: [this.registry],
  });

  readonly followUps = new Counter<'outcome'>({
    name: 'herald_follow_ups_total',
    help: 'Follow-up checks of open incidents, by outcome (scheduled, waited, skipped)',
    labelNames: ['outcome'],
    registers: [this.registry],
  });

  readonly unlistedServices = new Counter<'source'>({
    name: 'herald_alerts_unlisted_service_total',
    help: 'Alerts and events kept from the public because HERALD_SERVICES and the catalog do not list their service name, by source',
    labelNames: ['source'],
    registers: [this.registry],
  });

  readonly approvalLatency = new Histogram<'decision'>({
    name: 'herald_approval_latency_seconds',
    help: 'Seconds from a draft being ready to a person deciding on it',
    labelNames: ['decision'],
    buckets: [10, 30, 60, 120, 300, 600, 900, 1800, 3600],
    registers: [this.registry],
  });

  /** 1 while posts go to the outbox file instead of X: a deploy that lost its secrets must not look healthy. */
  readonly dryRun = new Gauge({
    name: 'herald_dry_run',
    help: '1 when herald runs in dry-run mode (no X credentials: nothing reaches X), else 0',
    registers: [this.registry],
  });

  private queues: Queue[] = [];
  private rateBudgetSource: RateBudgetSource | undefined;
  private draftsWaitingSource: DraftsWaitingSource | undefined;
  private accountStateSource: AccountStateSource | undefined;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const self = this;
    new Gauge<'queue' | 'state'>({
      name: 'herald_queue_jobs',
      help: 'Jobs in each BullMQ queue by state, read at scrape time',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const queue of self.queues) {
          const counts = await queue.getJobCounts(...QUEUE_STATES);
          for (const state of QUEUE_STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
        }
      },
    });
    new Gauge<'queue'>({
      name: 'herald_queue_paused',
      help: 'Whether a BullMQ queue is paused (1): a paused posts or events queue announces nothing',
      labelNames: ['queue'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const queue of self.queues) this.set({ queue: queue.name }, (await queue.isPaused()) ? 1 : 0);
      },
    });
    new Gauge<'window'>({
      name: 'herald_rate_limit_remaining',
      help: 'Posts X still allows in each rate-limit window, as the delivery side last saw it',
      labelNames: ['window'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const budget of (await self.rateBudgetSource?.()) ?? []) this.set({ window: budget.window }, budget.remaining);
      },
    });
    new Gauge({
      name: 'herald_drafts_waiting',
      help: 'Drafts waiting for a person to approve, edit or reject them',
      registers: [this.registry],
      async collect() {
        if (self.draftsWaitingSource) this.set((await self.draftsWaitingSource()).count);
      },
    });
    new Gauge({
      name: 'herald_drafts_past_half_deadline',
      help: 'Drafts that have waited past half the time before their approval deadline decides for them',
      registers: [this.registry],
      async collect() {
        if (self.draftsWaitingSource) this.set((await self.draftsWaitingSource()).pastHalfDeadline);
      },
    });
    new Gauge<'account' | 'network' | 'state'>({
      name: 'herald_account_state',
      help: 'Always 1, for each account, labelled with the state /healthz/accounts gives it (posting, x-unavailable, rate-limited, refused, blocked, redis-data-lost)',
      labelNames: ['account', 'network', 'state'],
      registers: [this.registry],
      async collect() {
        if (!self.accountStateSource) return;
        // Only the current state has a series: a state left behind must not linger.
        this.reset();
        for (const { account, network, state } of await self.accountStateSource()) this.set({ account, network, state }, 1);
      },
    });
    new Gauge<'version' | 'node'>({
      name: 'herald_build_info',
      help: 'Always 1: the herald version and the Node.js that runs it, as labels',
      labelNames: ['version', 'node'],
      registers: [this.registry],
    }).set({ version: heraldVersion, node: process.versions.node }, 1);
    // A counter's series starts at 0 for every webhook source: one first seen at 4,980 would show
    // Prometheus no increase, and the flood alert (examples/alerts.yml) would never fire.
    for (const source of QUEUE_SOURCES) this.floodHeld.inc({ source }, 0);
    // Under the names every Node.js dashboard expects (process_cpu_seconds_total, nodejs_heap_size_used_bytes...).
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** Reports these queues' depth at every scrape. Only one process of a deployment should. */
  watchQueues(queues: readonly Queue[]): void {
    this.queues = [...queues];
  }

  setRateBudgetSource(source: RateBudgetSource): void {
    this.rateBudgetSource = source;
  }

  setDraftsWaitingSource(source: DraftsWaitingSource): void {
    this.draftsWaitingSource = source;
  }

  setAccountStateSource(source: AccountStateSource): void {
    this.accountStateSource = source;
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}

/** Maps a webhook answer's HTTP status to the outcome label. */
export function webhookOutcome(status: number): WebhookOutcome {
  if (status >= 200 && status < 300) return 'accepted';
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 404) return 'disabled';
  if (status === 413) return 'too-large';
  if (status === 429) return 'throttled';
  if (status === 503) return 'unavailable';
  if (status >= 400 && status < 500) return 'invalid';
  return 'error';
}
