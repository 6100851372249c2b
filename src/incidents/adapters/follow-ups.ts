/**
 * Runs the follow-up rule (`follow-up-rules.ts`): after each post of an open incident goes out, a
 * delayed job waits until the schedule's next time, then asks the rule whether to schedule a threaded update. The job
 * is named after the post it follows, so arming twice is harmless, and a sweep re-arms what a
 * crash dropped. Resolving stops it: the rule refuses and the waiting job is removed.
 */
import { DelayedError, Worker, type ConnectionOptions, type Job, type Queue } from 'bullmq';
import type { Logger } from 'pino';
import { deliveryJobFor, FOLLOW_UPS_QUEUE, followUpJobId, missingJobs, scheduleDelivery, type DeliveryJob, type FollowUpJob, type Queues } from '../../queues.ts';
import { accountOf } from '../accounts.ts';
import { followUpsDue, planFollowUp, type FollowUpTimer } from '../follow-up-rules.ts';
import type { FollowUpSchedule } from '../follow-up-schedule.ts';
import type { IncomingEvent } from '../model.ts';
import type { RedisClient } from '../../redis/connect.ts';
import { forActiveBatches, type IncidentStore } from '../store.ts';
import type { ApprovalHold } from './apply.ts';
import type { DraftNews } from '../draft-news.ts';

export interface FollowUpDeps {
  queue: Queue<FollowUpJob>;
  store: IncidentStore;
  queues: Pick<Queues, 'posts'>;
  schedule: FollowUpSchedule;
  logger: Logger;
  /** The Redis server of `queue` (the sweep checks which follow-up jobs exist). */
  redis: RedisClient;
  /** Counts what each follow-up did; ops/metrics.ts's `HeraldMetrics` is one (named by shape, as ops/ sits above). */
  metrics?: { followUps: { inc(labels: { outcome: 'skipped' | 'waited' | 'scheduled' }): void } };
  /** The approval policy applies to follow-ups as to every other post. */
  hold?: ApprovalHold;
  /** Told when a follow-up becomes a draft. */
  news?: DraftNews;
}

export class FollowUps {
  constructor(private readonly deps: FollowUpDeps) {}

  /** Arms the follow-ups the incident now waits for (one per account thread), if any. Idempotent. */
  async arm(key: string): Promise<void> {
    await this.add(key, followUpsDue(await this.deps.store.get(key), this.deps.schedule));
  }

  private async add(key: string, timers: readonly FollowUpTimer[]): Promise<void> {
    for (const timer of timers) {
      const delay = Math.max(0, Date.parse(timer.dueAt) - Date.now());
      await this.deps.queue.add('follow-up', { key, afterPostId: timer.afterPostId }, { jobId: followUpJobId(key, timer.afterPostId), delay });
    }
  }

  /** Drops the waiting follow-ups of a resolved incident (the rule would refuse them anyway). */
  async disarm(key: string): Promise<void> {
    const posted = (await this.deps.store.get(key))?.posts.filter((p) => p.status === 'posted') ?? [];
    const lastOfEachAccount = new Map(posted.map((p) => [accountOf(p), p.id]));
    for (const postId of lastOfEachAccount.values()) await this.deps.queue.remove(followUpJobId(key, postId)).catch(() => 0);
  }

  async run(job: Job<FollowUpJob>, token?: string): Promise<string> {
    const { key, afterPostId } = job.data;
    const decision = await this.deps.store.update(key, (current) => {
      const nowMs = Date.now();
      const planned = planFollowUp(current, { afterPostId, nowMs, schedule: this.deps.schedule });
      if (planned.decision.action !== 'schedule' || !this.deps.hold) return { next: planned.incident, result: planned.decision };
      const applied = { incident: planned.incident!, changed: true, scheduled: [planned.decision.post], cancelled: [] };
      const held = this.deps.hold(current, applied, { source: 'follow-up', receivedAt: new Date(nowMs).toISOString() });
      return { next: held.incident, result: { ...planned.decision, post: held.scheduled[0] ?? planned.decision.post } };
    });
    const log = this.deps.logger.child({ incident: key });
    switch (decision.action) {
      case 'skip':
        this.deps.metrics?.followUps.inc({ outcome: 'skipped' });
        log.debug({ after: afterPostId, why: decision.reason }, 'no follow-up');
        return `skipped: ${decision.reason}`;
      case 'wait':
        this.deps.metrics?.followUps.inc({ outcome: 'waited' });
        await job.moveToDelayed(decision.untilMs, token);
        throw new DelayedError('the follow-up is not due yet');
      case 'schedule':
        await scheduleDelivery(this.deps.queues.posts, deliveryJobFor(key, decision.post), decision.post.dueAt);
        if (decision.post.status === 'draft' && this.deps.news) {
          const incident = await this.deps.store.get(key);
          if (incident) await this.deps.news.drafted(incident, decision.post);
        }
        this.deps.metrics?.followUps.inc({ outcome: 'scheduled' });
        log.info({ post: decision.post.id, nextUpdateAt: decision.post.nextUpdateAt }, 'follow-up scheduled');
        return `scheduled ${decision.post.id}`;
    }
  }

  /**
   * Re-arms every open incident's follow-up, in case a crash lost one. Incidents are read in
   * batches and their timers' jobs checked in one EXISTS: only a missing job is added (adding one
   * that exists is a no-op, as the job id is fixed), so a quiet sweep costs a few commands a batch.
   */
  async sweep(): Promise<void> {
    await forActiveBatches(this.deps.store, async (incidents) => {
      const due = incidents.flatMap((incident) => followUpsDue(incident, this.deps.schedule).map((timer) => ({ key: incident.key, timer })));
      const missing = await missingJobs(this.deps.redis, this.deps.queue, due.map((d) => followUpJobId(d.key, d.timer.afterPostId)));
      for (const d of due) if (missing.has(followUpJobId(d.key, d.timer.afterPostId))) await this.add(d.key, [d.timer]);
    });
  }
}

/**
 * Starts the follow-up worker and ties it to the other workers: each finished delivery arms the
 * next follow-up, each event that resolves an incident disarms it.
 */
export function startFollowUpWorker(
  deps: FollowUpDeps & { connection: ConnectionOptions; prefix: string; deliveryWorker: Worker<DeliveryJob>; incidentWorker: Worker<IncomingEvent> },
): { worker: Worker<FollowUpJob>; followUps: FollowUps } {
  const followUps = new FollowUps(deps);
  const warn = (key: string, what: string) => (err: unknown) => deps.logger.warn({ incident: key, err: (err as Error).message }, what);
  const worker = new Worker<FollowUpJob>(
    FOLLOW_UPS_QUEUE,
    (job, token) => followUps.run(job, token),
    { connection: deps.connection, prefix: deps.prefix, concurrency: 4 },
  );
  worker.on('error', (err) => deps.logger.error({ err }, 'follow-up worker error'));
  deps.deliveryWorker.on('completed', (job) => void followUps.arm(job.data.key).catch(warn(job.data.key, 'could not arm the next follow-up')));
  deps.incidentWorker.on('completed', (job, result: { state?: string } | undefined) => {
    if (result?.state === 'resolved') void followUps.disarm(job.data.key).catch(warn(job.data.key, 'could not drop the follow-up'));
  });
  return { worker, followUps };
}
