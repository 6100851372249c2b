import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { pausedQueues } from '../publish/delivery-routes.ts';

/**
 * A paused posts or events queue stops every announcement without an error anywhere: herald says so
 * at error level as soon as it sees it, again every minute while it lasts, and when it ends.
 */
export function watchPauses(queues: readonly Pick<Queue, 'name' | 'isPaused'>[], logger: Logger, everyMs = 5000): () => void {
  let paused: string[] = [];
  let lastSaid = 0;
  const check = async () => {
    const now = await pausedQueues(queues).catch(() => paused);
    if (now.length > 0 && (now.join() !== paused.join() || Date.now() - lastSaid >= 60_000)) {
      logger.error({ paused: now }, `POSTING IS STOPPED: the ${now.join(' and ')} queue is paused; nothing is announced until an admin resumes it in Bull Board`);
      lastSaid = Date.now();
    } else if (now.length === 0 && paused.length > 0) {
      logger.warn({ resumed: paused }, 'queues resumed: announcements go out again');
    }
    paused = now;
  };
  const timer = setInterval(() => void check(), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
