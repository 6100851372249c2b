import type { Logger } from 'pino';
import { deliveryPriority } from '../incidents/delivery-priority.ts';
import type { IncidentStore } from '../incidents/store.ts';
import { deliveryJobFor, deliveryJobId, scheduleDelivery, type Queues } from '../queues.ts';

/** Incidents read at once: their reads go out together (auto-pipelining), not a round trip each. */
const SWEEP_CHUNK = 32;

/**
 * Makes sure every post that still has to go out has a live delivery job: after a crash between
 * recording an incident and queueing its post, or after a job ran out of attempts. The incident
 * record is the truth; jobs are only the means. Returns how many jobs it (re)started.
 */
export async function sweepDeliveries(store: IncidentStore, queues: Queues, logger: Logger): Promise<number> {
  const keys = await store.activeKeys();
  let restarted = 0;
  for (let i = 0; i < keys.length; i += SWEEP_CHUNK) {
    const counts = await Promise.all(keys.slice(i, i + SWEEP_CHUNK).map((key) => sweepIncident(key, store, queues, logger)));
    restarted += counts.reduce((a, b) => a + b, 0);
  }
  return restarted;
}

async function sweepIncident(key: string, store: IncidentStore, queues: Queues, logger: Logger): Promise<number> {
  const incident = await store.get(key);
  let restarted = 0;
  for (const post of incident?.posts ?? []) {
    // A draft's delivery job is also its approval timer, so it needs a live job too.
    if (post.status !== 'scheduled' && post.status !== 'sending' && post.status !== 'draft') continue;
    const jobId = deliveryJobId(key, post.id);
    // The state alone: the whole job (data and options) is read only to retry a failed one.
    const state = await queues.posts.getJobState(jobId);
    if (state === 'unknown') {
      await scheduleDelivery(queues.posts, deliveryJobFor(key, post), post.dueAt, { priority: deliveryPriority(incident!, post) });
    } else if (state === 'failed') {
      await (await queues.posts.getJob(jobId))?.retry('failed');
    } else {
      continue;
    }
    restarted++;
    logger.warn({ incident: key, post: post.id, was: state === 'unknown' ? 'missing' : state }, 'restarted the delivery of a post that had no live job');
  }
  return restarted;
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
