import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { pausedQueues } from '../queues.ts';

/**
 * A paused posts or events queue stops every announcement without an error anywhere: herald says so
 * at error level as soon as it sees it, again every minute while it lasts, and when it ends.
 */
export function watchPauses(queues: readonly Pick<Queue, 'name' | 'isPaused'>[], logger: Logger, options: { explained: () => Promise<boolean>; everyMs?: number }): () => void {
  let paused: string[] = [];
  let lastSaid = 0;
  const check = async () => {
    // A pause herald made itself (X refuses the account) is told by the account's own logs and /healthz/x.
    const now = (await options.explained().catch(() => false)) ? [] : await pausedQueues(queues).catch(() => paused);
    if (now.length > 0 && (now.join() !== paused.join() || Date.now() - lastSaid >= 60_000)) {
      logger.error({ paused: now }, `POSTING IS STOPPED: the ${now.join(' and ')} queue is paused; nothing is announced until an admin resumes it in Bull Board`);
      lastSaid = Date.now();
    } else if (now.length === 0 && paused.length > 0) {
      logger.warn({ resumed: paused }, 'queues resumed: announcements go out again');
    }
    paused = now;
  };
  const timer = setInterval(() => void check(), options.everyMs ?? 5000);
  timer.unref();
  return () => clearInterval(timer);
}
