import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { Coalescer } from '../coalesce.ts';
import { checkQueuedEvent } from '../event.ts';
import { DEFAULT_TIME_BOUNDS, type TimeBounds } from '../event-times.ts';
import type { IncomingEvent } from '../model.ts';
import { serviceListed, type ServiceList } from '../service-name.ts';
import { EVENTS_QUEUE, stallTimings } from '../../queues.ts';
import { applyAndSchedule, type ApplyDeps } from './apply.ts';

/**
 * Jobs run at once. Jobs of the same incident are applied together rather than racing (see
 * coalesce.ts), so a storm gains from many: one store write carries up to this many alerts.
 */
const DEFAULT_CONCURRENCY = 64;

export interface IncidentWorkerDeps extends ApplyDeps {
  connection: ConnectionOptions;
  prefix: string;
  concurrency?: number;
  /** BullMQ lock: how soon an event held by a killed worker (or lost in a Redis restart) runs again. */
  lockMs?: number;
  /** How far a queued event's times may lie from now (HERALD_EVENT_MAX_*): the webhook's own bounds. */
  timeBounds?: TimeBounds;
  /** The service names herald may post, when pinned (HERALD_SERVICES): a queued event naming another is refused as ingest would keep it. */
  services?: ServiceList;
}

export function startIncidentWorker(deps: IncidentWorkerDeps): Worker<IncomingEvent> {
  // Jobs of one incident that run at the same time are applied together (see coalesce.ts).
  const coalescer = new Coalescer((key: string, events: IncomingEvent[]) => applyAndSchedule(deps, key, events));
  const worker = new Worker<IncomingEvent>(
    EVENTS_QUEUE,
    async (job: Job<IncomingEvent>) => {
      const checked = checkQueuedEvent(job.data, deps.timeBounds ?? DEFAULT_TIME_BOUNDS, Date.now());
      if ('problem' in checked) {
        // Only the field names and rules are logged, never the values: they may be hostile text.
        deps.logger.error({ job: job.id, problems: checked.problem.details }, 'event refused: it is not one a webhook would accept (added to the queue by hand?); nothing was announced');
        throw new UnrecoverableError(`${checked.problem.message}: ${checked.problem.details.join('; ')}`);
      }
      const event = checked.event;
      if (event.service !== undefined && !serviceListed(event.service, deps.services)) {
        deps.logger.error({ job: job.id }, 'event refused: its service is not one HERALD_SERVICES or the catalog pins (added to the queue by hand?); nothing was announced');
        throw new UnrecoverableError('the queued event names a service that HERALD_SERVICES and the message catalog do not list');
      }
      const applied = await coalescer.submit(event.key, event);
      return { state: applied?.incident.state, scheduled: applied?.scheduled.map((p) => p.id) ?? [] };
    },
    {
      connection: deps.connection,
      prefix: deps.prefix,
      concurrency: deps.concurrency ?? DEFAULT_CONCURRENCY,
      ...(deps.lockMs && stallTimings(deps.lockMs)),
    },
  );
  worker.on('failed', (job, err) => deps.logger.error({ incident: job?.data.key, err }, 'could not apply event'));
  worker.on('error', (err) => deps.logger.error({ err }, 'incident worker error'));
  return worker;
}
