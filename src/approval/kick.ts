import type { Queue } from 'bullmq';
import type { Post } from '../incidents/model.ts';
import { deliveryJobFor, deliveryJobId, scheduleDelivery, type DeliveryJob } from '../queues.ts';

const TRIES = 40;
const PAUSE_MS = 25;

/**
 * Wakes the delivery job of a post a person just approved, which sleeps until the approval
 * deadline. A job that is running right now may be about to go back to sleep with the old
 * decision, so wait for it to settle and then promote it. Should all of this miss, the job looks
 * at the record again within a few seconds anyway (`DRAFT_RECHECK_MS`).
 */
export async function deliverSoon(posts: Queue<DeliveryJob>, key: string, post: Pick<Post, 'id' | 'account' | 'dueAt'>): Promise<void> {
  const { id: postId, dueAt } = post;
  for (let i = 0; i < TRIES; i++) {
    const job = await posts.getJob(deliveryJobId(key, postId));
    if (!job) return scheduleDelivery(posts, deliveryJobFor(key, post), dueAt);
    const state = await job.getState();
    if (state === 'delayed') {
      const promoted = await job.promote().then(
        () => true,
        () => false,
      );
      if (promoted) return;
    } else if (state === 'failed') {
      return job.retry('failed');
    } else if (state === 'completed' || state === 'unknown') {
      // Finished with an older decision; its id would make a new job a duplicate.
      await job.remove().catch(() => undefined);
      return scheduleDelivery(posts, deliveryJobFor(key, post), dueAt);
    } else if (state !== 'active') {
      return; // waiting or prioritized: it runs soon
    }
    await new Promise((r) => setTimeout(r, PAUSE_MS));
  }
}
