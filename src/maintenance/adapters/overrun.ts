/**
 * The overrun check: a delayed job per window, due at its end plus the maintenance grace period.
 * When it runs, every open outage that window held back is announced in its thread (quiet.ts,
 * `announceOverrun`). Moving, extending or finishing the window queues a job for the new end; a
 * job for an end that no longer holds does nothing.
 */
import { Worker, type ConnectionOptions, type Job, type Queue } from 'bullmq';
import type { Logger } from 'pino';
import { deliveryPriority } from '../../incidents/delivery-priority.ts';
import type { ApprovalHold } from '../../incidents/adapters/apply.ts';
import type { IncidentStore } from '../../incidents/store.ts';
import { deliveryJobFor, MAINTENANCE_QUEUE, overrunJobId, scheduleDelivery, type OverrunJob, type Queues } from '../../queues.ts';
import { announceOverrun, quietWindowOf } from '../quiet.ts';
import { effectiveEnd } from '../window.ts';
import type { Incident } from '../../incidents/model.ts';

/** Queues the overrun check for the window's current end; idempotent per end. */
export async function armOverrunCheck(queue: Queue<OverrunJob>, incident: Incident, graceMs: number): Promise<void> {
  const window = incident.maintenance!;
  if (window.cancelledAt !== undefined) return;
  const endsAt = effectiveEnd(window);
  const delay = Math.max(0, Date.parse(endsAt) + graceMs - Date.now());
  await queue.add('overrun', { key: incident.key, endsAt }, { jobId: overrunJobId(incident.key, endsAt), delay });
}

export interface OverrunDeps {
  connection: ConnectionOptions;
  prefix: string;
  store: IncidentStore;
  queues: Pick<Queues, 'posts'>;
  hold: ApprovalHold;
  logger: Logger;
}

async function check(deps: OverrunDeps, job: Job<OverrunJob>): Promise<string> {
  const incident = await deps.store.get(job.data.key);
  const window = incident && quietWindowOf(incident);
  if (!window || effectiveEnd(incident.maintenance!) !== job.data.endsAt) return 'skipped: the window changed or is gone';
  const at = new Date().toISOString();
  let announced = 0;
  for (const key of await deps.store.activeKeys()) {
    const applied = await deps.store.update(key, (current) => {
      const overrun = announceOverrun(current, window, at);
      if (!overrun) return { next: null, result: undefined };
      const held = deps.hold(current, overrun, { source: 'maintenance', receivedAt: at });
      return { next: held.incident, result: held };
    });
    for (const post of applied?.scheduled ?? []) {
      await scheduleDelivery(deps.queues.posts, deliveryJobFor(key, post), post.dueAt, { priority: deliveryPriority(applied!.incident, post) });
      announced++;
    }
    if (applied) deps.logger.warn({ incident: key, maintenance: window.key }, 'the maintenance window overran: announcing the outage it held back');
  }
  return `announced ${announced}`;
}

export function startOverrunWorker(deps: OverrunDeps): Worker<OverrunJob> {
  const worker = new Worker<OverrunJob>(MAINTENANCE_QUEUE, (job) => check(deps, job), {
    connection: deps.connection,
    prefix: deps.prefix,
    concurrency: 2,
  });
  worker.on('error', (err) => deps.logger.error({ err }, 'maintenance worker error'));
  return worker;
}
