import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { draftId } from '../approval/drafts.ts';
import type { DraftNews } from '../incidents/draft-news.ts';
import type { Incident, Post } from '../incidents/model.ts';
import type { RedisClient } from '../redis/connect.ts';
import { intoDigest, reminderAt, type Decision } from './notice.ts';
import { noticeJobId, type NoticeJob } from '../queues.ts';

/** What the console's open pages hear (server-sent events, console/live.ts). */
export interface ConsoleEvent {
  type: 'waiting' | 'decided';
  draft: string;
  incident: string;
  service: string;
  action?: Decision['action'];
  actor?: string;
}

/** The Redis pub/sub channel that carries console events between herald's processes. */
export const consoleEventsChannel = (prefix: string): string => `${prefix}:console-events`;

export interface StaffNewsDeps {
  redis: RedisClient;
  prefix: string;
  /** Absent when no staff channel is set: the console still hears, nobody is sent anything. */
  notices?: Queue<NoticeJob>;
  logger: Logger;
  now?: () => number;
  /** Drafts told one by one in each window (HERALD_STAFF_DIGEST_*); the rest go into the window's digest. */
  digest?: { after: number; windowMs: number };
}

/** Counts of a window are kept until its digest has surely been sent. */
const COUNTS_KEPT_MS = 3600_000;
/** A digest goes out this long after its window ends, so it counts the whole window. */
const DIGEST_AFTER_MS = 1000;
const DEFAULT_DIGEST = { after: 10, windowMs: 60_000 };

/**
 * Where a window's counts live in Redis: drafts told (one by one or not), drafts left to the
 * digest, held incidents by source, alerts whose service name is not pinned by source.
 */
export const windowKeys = (prefix: string, sinceMs: number) => ({
  drafts: `${prefix}:staff-notice:window:${sinceMs}:drafts`,
  digested: `${prefix}:staff-notice:window:${sinceMs}:digested`,
  held: `${prefix}:staff-notice:window:${sinceMs}:held`,
  unlisted: `${prefix}:staff-notice:window:${sinceMs}:unlisted`,
});

/**
 * Tells staff and the console about drafts: a notice job per draft and decision, a reminder job
 * for half-time, and a pub/sub message for open consoles. Failures are logged, never thrown.
 */
export class StaffNews implements DraftNews {
  constructor(private readonly deps: StaffNewsDeps) {}

  private async tell(what: string, work: () => Promise<unknown>, incident: string): Promise<void> {
    try {
      await work();
    } catch (err) {
      this.deps.logger.warn({ incident, err: (err as Error).message }, `staff could not be told of ${what}`);
    }
  }

  private publish(event: ConsoleEvent) {
    return this.deps.redis.publish(consoleEventsChannel(this.deps.prefix), JSON.stringify(event));
  }

  private add(job: NoticeJob, delay = 0) {
    return this.deps.notices!.add(job.kind, job, { jobId: noticeJobId(job), delay });
  }

  private get digestSettings() {
    return this.deps.digest ?? DEFAULT_DIGEST;
  }

  /** The start of the current digest window (ms). */
  private window(): number {
    const { windowMs } = this.digestSettings;
    return Math.floor((this.deps.now ?? Date.now)() / windowMs) * windowMs;
  }

  private async count(key: string, field?: string, by = 1): Promise<number> {
    const multi = this.deps.redis.multi();
    if (field) multi.hincrby(key, field, by);
    else multi.incrby(key, by);
    const results = await multi.pexpire(key, COUNTS_KEPT_MS).exec();
    return Number(results?.[0]?.[1] ?? 0);
  }

  /** The window's digest, queued once (its job id is the window's) to go out after the window ends. */
  private digest(sinceMs: number) {
    const job: NoticeJob = { kind: 'digest', key: 'digest', postId: String(sinceMs) };
    const delay = Math.max(0, sinceMs + this.digestSettings.windowMs + DIGEST_AFTER_MS - (this.deps.now ?? Date.now)());
    return this.add(job, delay);
  }

  /** New public incidents the flood cap kept from `source`: said in the window's digest. */
  held(source: string, count: number): Promise<void> {
    return this.inDigest('held', 'incidents held by the flood cap', source, count);
  }

  /** Alerts from `source` kept from the public because HERALD_SERVICES does not list their service: said in the window's digest. */
  unlisted(source: string, count: number): Promise<void> {
    return this.inDigest('unlisted', 'alerts naming a service not pinned', source, count);
  }

  private async inDigest(kind: 'held' | 'unlisted', what: string, source: string, count: number): Promise<void> {
    if (!this.deps.notices) return;
    const since = this.window();
    await this.tell(
      what,
      async () => {
        await this.count(windowKeys(this.deps.prefix, since)[kind], source, count);
        await this.digest(since);
      },
      source,
    );
  }

  async drafted(incident: Incident, post: Post): Promise<void> {
    const draft = draftId(incident.key, post.id);
    await this.tell('a draft', () => this.publish({ type: 'waiting', draft, incident: incident.key, service: incident.service }), incident.key);
    if (!this.deps.notices) return;
    const since = this.window();
    const keys = windowKeys(this.deps.prefix, since);
    let digested = false;
    await this.tell(
      'a draft',
      async () => {
        if (!intoDigest(await this.count(keys.drafts), this.digestSettings.after)) return;
        digested = true;
        await this.count(keys.digested);
        await this.digest(since);
      },
      incident.key,
    );
    if (digested) return;
    const job: NoticeJob = { kind: 'waiting', key: incident.key, postId: post.id };
    await this.tell('a draft', () => this.add(job), incident.key);
    const half = reminderAt(post);
    if (half === undefined) return;
    const delay = Math.max(0, Math.round(half - (this.deps.now ?? Date.now)()));
    await this.tell('a draft (reminder)', () => this.add({ ...job, kind: 'reminder' }, delay), incident.key);
  }

  async decided(incident: Incident, post: Post, decision: Decision): Promise<void> {
    const draft = draftId(incident.key, post.id);
    const event: ConsoleEvent = { type: 'decided', draft, incident: incident.key, service: incident.service, action: decision.action, actor: decision.actor };
    await this.tell('a decision', () => this.publish(event), incident.key);
    if (!this.deps.notices) return;
    await this.tell('a decision', () => this.add({ kind: 'decided', key: incident.key, postId: post.id, decision: { ...decision, text: post.text } }), incident.key);
  }
}
