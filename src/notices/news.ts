import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { draftId } from '../approval/drafts.ts';
import type { DraftNews } from '../incidents/draft-news.ts';
import type { Incident, Post } from '../incidents/model.ts';
import type { RedisClient } from '../redis/connect.ts';
import { reminderAt, type Decision } from './notice.ts';
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
}

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

  async drafted(incident: Incident, post: Post): Promise<void> {
    const draft = draftId(incident.key, post.id);
    await this.tell('a draft', () => this.publish({ type: 'waiting', draft, incident: incident.key, service: incident.service }), incident.key);
    if (!this.deps.notices) return;
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
