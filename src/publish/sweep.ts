import type { Logger } from 'pino';
import { deliveryPriority } from '../incidents/delivery-priority.ts';
import type { Incident, Post } from '../incidents/model.ts';
import { forActiveBatches, type IncidentStore } from '../incidents/store.ts';
import type { RedisClient } from '../redis/connect.ts';
import { deliveryJobFor, deliveryJobId, missingJobs, scheduleDelivery, type Queues } from '../queues.ts';

/** Posts that must have a live delivery job. A draft's delivery job is also its approval timer. */
const needsJob = (post: Post) => post.status === 'scheduled' || post.status === 'sending' || post.status === 'draft';

/**
 * Makes sure every post that still has to go out has a live delivery job: after a crash between
 * recording an incident and queueing its post, or after a job ran out of attempts. The incident
 * record is the truth; jobs are only the means. Returns how many jobs it (re)started.
 *
 * A batch's jobs are first checked together: a job whose hash exists and that is not in the failed
 * set is live (or finished) and left alone, as BullMQ's `getJobState` would have it. Only the rest,
 * missing or failed (none in a quiet sweep), get the state script and the restart, one by one.
 */
export async function sweepDeliveries(store: IncidentStore, queues: Queues, redis: RedisClient, logger: Logger): Promise<number> {
  let restarted = 0;
  await forActiveBatches(store, async (incidents) => {
    const due = incidents.flatMap((incident) => incident.posts.filter(needsJob).map((post) => ({ incident, post, jobId: deliveryJobId(incident.key, post.id) })));
    if (due.length === 0) return;
    const ids = due.map((d) => d.jobId);
    const missing = await missingJobs(redis, queues.posts, ids);
    const failedScores = await redis.zmscore(queues.posts.keys.failed!, ...ids);
    const suspects = due.filter((d, i) => missing.has(d.jobId) || failedScores[i] !== null);
    const counts = await Promise.all(suspects.map((d) => restartIfDead(d.incident, d.post, d.jobId, queues, logger)));
    restarted += counts.reduce((a, b) => a + b, 0);
  });
  return restarted;
}

async function restartIfDead(incident: Incident, post: Post, jobId: string, queues: Queues, logger: Logger): Promise<number> {
  // The state alone: the whole job (data and options) is read only to retry a failed one.
  const state = await queues.posts.getJobState(jobId);
  if (state === 'unknown') {
    await scheduleDelivery(queues.posts, deliveryJobFor(incident.key, post), post.dueAt, { priority: deliveryPriority(incident, post) });
  } else if (state === 'failed') {
    await (await queues.posts.getJob(jobId))?.retry('failed');
  } else {
    return 0;
  }
  logger.warn({ incident: incident.key, post: post.id, was: state === 'unknown' ? 'missing' : state }, 'restarted the delivery of a post that had no live job');
  return 1;
}

/**
 * Runs the sweep now and then every `intervalMs` until the returned function is called. A sweep
 * still under way when the next is due is left to finish, not joined by a second one: with many
 * open incidents (tens of thousands in the ingest benchmark) sweeps piled up and read every
 * incident several times over.
 */
export function startSweeper(run: () => Promise<unknown>, intervalMs: number, logger: Logger, what = 'delivery sweep'): () => Promise<void> {
  let running = false;
  const sweep = async () => {
    running = true;
    try {
      await run();
    } catch (err) {
      logger.error({ err }, `${what} failed`);
    } finally {
      running = false;
    }
  };
  let current: Promise<unknown> = sweep();
  const timer = setInterval(() => {
    if (!running) current = sweep();
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await current;
  };
}
