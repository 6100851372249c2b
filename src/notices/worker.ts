import { Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { Counter } from '@prometheus-io/client';
import type { IncidentStore } from '../incidents/store.ts';
import type { HeraldMetrics } from '../ops/metrics.ts';
import type { RedisClient } from '../redis/connect.ts';
import { NOTICES_QUEUE, noticeJobId, type NoticeJob } from '../queues.ts';
import { describeFailure, type Channel } from './channels.ts';
import { digestNotice, reminderDue, staffNotice, type AnyStaffNotice } from './notice.ts';
import { windowKeys } from './news.ts';

/*
 * Staff notices go out from a queue of their own (src/queues.ts), so a slow mail server or a dead
 * Slack hook never holds up an event or a tweet. Each job retries with backoff; each channel is
 * sent to at most once per notice, whatever the retries (see `sendOnce`).
 */

/** How long a channel's sent mark is kept: longer than any retry of the job. */
const SENT_MARK_MS = 7 * 24 * 3600_000;

export interface NoticeWorkerDeps {
  connection: ConnectionOptions;
  prefix: string;
  redis: RedisClient;
  store: IncidentStore;
  channels: readonly Channel[];
  consoleUrl?: string;
  metrics: HeraldMetrics;
  logger: Logger;
  now?: () => number;
}

function noticeCounter(metrics: HeraldMetrics) {
  return new Counter<'channel' | 'outcome'>({
    name: 'herald_staff_notices_total',
    help: 'Staff notices by channel and outcome: sent, failed (an attempt; it is retried), unknown (a crash mid-send; not resent)',
    labelNames: ['channel', 'outcome'],
    registers: [metrics.registry],
  });
}

/** The notice a job stands for, or why there is none any more. */
async function noticeOf(job: NoticeJob, deps: NoticeWorkerDeps, nowMs: number): Promise<AnyStaffNotice | string> {
  if (job.kind === 'digest') return (await digestOf(Number(job.postId), deps)) ?? 'nothing to say for the window';
  const incident = await deps.store.get(job.key);
  const post = incident?.posts.find((p) => p.id === job.postId);
  if (!incident || !post) return 'the incident or the post is gone';
  if (job.kind === 'decided') return staffNotice(incident, post, 'decided', deps.consoleUrl, job.decision);
  if (job.kind === 'reminder') return reminderDue(incident, job.postId, nowMs) ? staffNotice(incident, post, 'reminder', deps.consoleUrl) : 'decided, touched or past its deadline';
  // Someone decided before the notice went out: the decision's own notice says it all.
  return post.status === 'draft' ? staffNotice(incident, post, 'waiting', deps.consoleUrl) : `no longer a draft (${post.status})`;
}

/** The window's digest, from the counts StaffNews kept (news.ts). */
async function digestOf(sinceMs: number, deps: NoticeWorkerDeps): Promise<AnyStaffNotice | undefined> {
  const keys = windowKeys(deps.prefix, sinceMs);
  const [digested, held, unlisted] = await Promise.all([deps.redis.get(keys.digested), deps.redis.hgetall(keys.held), deps.redis.hgetall(keys.unlisted)]);
  const bySource = (counts: Record<string, string>) => Object.fromEntries(Object.entries(counts).map(([source, n]) => [source, Number(n)]));
  return digestNotice(sinceMs, Number(digested ?? 0), bySource(held), deps.consoleUrl, bySource(unlisted));
}

export function startNoticeWorker(deps: NoticeWorkerDeps): Worker<NoticeJob> {
  const counter = noticeCounter(deps.metrics);
  const now = deps.now ?? Date.now;

  /**
   * Sends on one channel unless an earlier run of this job did. The mark is set to `sending`
   * before and `sent` after; a failed send removes it so the retry sends again. A mark left at
   * `sending` means a process died in the middle: the notice may have arrived, and a double is
   * worse than a gap for people on call, so it is not sent again.
   */
  async function sendOnce(jobId: string, channel: Channel, notice: AnyStaffNotice, log: Logger): Promise<boolean> {
    const mark = `${deps.prefix}:staff-notice:${jobId}:${channel.name}`;
    const claimed = await deps.redis.set(mark, 'sending', 'PX', SENT_MARK_MS, 'NX');
    if (claimed === null) {
      if ((await deps.redis.get(mark)) === 'sending') {
        counter.inc({ channel: channel.name, outcome: 'unknown' });
        log.warn({ channel: channel.name }, 'staff notice may have been sent by a run that died; not sent again');
        await deps.redis.set(mark, 'sent', 'PX', SENT_MARK_MS);
      }
      return true;
    }
    try {
      await channel.send(notice, now());
    } catch (err) {
      await deps.redis.del(mark);
      counter.inc({ channel: channel.name, outcome: 'failed' });
      log.warn({ channel: channel.name, why: describeFailure(err) }, 'staff notice not delivered; it is retried');
      return false;
    }
    await deps.redis.set(mark, 'sent', 'PX', SENT_MARK_MS);
    counter.inc({ channel: channel.name, outcome: 'sent' });
    log.info({ channel: channel.name }, 'staff notice sent');
    return true;
  }

  const worker = new Worker<NoticeJob>(
    NOTICES_QUEUE,
    async (job: Job<NoticeJob>) => {
      const log = deps.logger.child({ incident: job.data.key, post: job.data.postId, notice: job.data.kind, attempt: job.attemptsMade + 1 });
      const notice = await noticeOf(job.data, deps, now());
      if (typeof notice === 'string') {
        log.debug({ why: notice }, 'staff notice not needed');
        return `skipped: ${notice}`;
      }
      const jobId = job.id ?? noticeJobId(job.data);
      const results = await Promise.all(deps.channels.map(async (c) => ((await sendOnce(jobId, c, notice, log)) ? undefined : c.name)));
      const failed = results.filter(Boolean);
      if (failed.length > 0) throw new Error(`staff notice not delivered to ${failed.join(', ')}`);
      return 'sent';
    },
    { connection: deps.connection, prefix: deps.prefix, concurrency: 4 },
  );
  worker.on('failed', (job, err) => {
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) deps.logger.error({ incident: job.data.key, post: job.data.postId, notice: job.data.kind, err: err.message }, 'staff notice given up');
  });
  worker.on('error', (err) => deps.logger.error({ err: describeFailure(err) }, 'staff notice worker error'));
  worker.on('closed', () => deps.channels.forEach((c) => c.close?.()));
  return worker;
}
