import type { Worker } from 'bullmq';
import { accountComposer, accountIds } from '../accounts/wiring.ts';
import { approvalHold } from '../console/plugin.ts';
import { startFollowUpWorker } from '../incidents/adapters/follow-ups.ts';
import { startIncidentWorker } from '../incidents/adapters/incident-worker.ts';
import { expireOldIncidents } from '../incidents/adapters/retention.ts';
import { observeDeliveries } from '../ops/instrument.ts';
import { workerConnection } from '../ops/redis-connect.ts';
import { openDeliveryGuards } from '../publish/delivery-guards.ts';
import { startDeliveryWorker } from '../publish/delivery-worker.ts';
import { startSweeper, sweepDeliveries } from '../publish/sweep.ts';
import { startAccountProbe } from '../publish/x-account.ts';
import { rateBudgets } from '../publish/x-health.ts';
import type { Stop, WorkParts } from './shared.ts';

export interface WorkerTimings {
  sweepIntervalMs?: number;
  retentionIntervalMs?: number;
}

/**
 * The workers: events become incidents, planned posts go out, follow-ups and retention run, and
 * the sweep and the account probe recover what a crash or a refusal left behind. Returns how to
 * stop it all: timers first, then the workers, which let jobs in flight finish.
 */
export function startWorkerSide(parts: WorkParts, timings: WorkerTimings): Stop {
  const { config, logger, prefix, store, queues, publisher, metrics, followUpQueue } = parts;
  const connection = workerConnection(config.redis, parts.redis);
  const rules = { graceMs: config.graceMs, reopenWindowMs: config.reopenWindowMs };
  const hold = approvalHold(config);
  const workers: Worker[] = [];
  const timers: Stop[] = [];

  const incidentWorker = startIncidentWorker({ connection, prefix, store, queues, rules, accounts: accountIds(config), logger, hold, lockMs: config.delivery.jobLockMs });
  const guards = openDeliveryGuards(parts.redis, prefix, queues.posts, config.delivery, parts.timeoutMs);
  const delivery = startDeliveryWorker({ connection, prefix, store, queues, publisher, compose: accountComposer(config), guards, logger });
  observeDeliveries(delivery, store, metrics, logger);
  metrics.setRateBudgetSource(() => rateBudgets(guards));
  workers.push(incidentWorker, delivery);

  const sweepMs = timings.sweepIntervalMs ?? config.sweepMs;
  timers.push(startSweeper(() => sweepDeliveries(store, queues, logger), sweepMs, logger));
  timers.push(startAccountProbe(guards.account, publisher, Math.max(250, Math.min(5000, config.delivery.probeMs, config.delivery.unavailableProbeMs / 2)), logger));
  if (followUpQueue) {
    const followUp = startFollowUpWorker({ queue: followUpQueue, store, queues, cadenceMs: config.followUpMs, logger, metrics, connection, prefix, deliveryWorker: delivery, incidentWorker, hold });
    workers.push(followUp.worker);
    timers.push(startSweeper(() => followUp.followUps.sweep(), sweepMs, logger));
  }
  const expire = () => expireOldIncidents({ store, retentionMs: config.retentionMs, logger });
  timers.push(startSweeper(expire, timings.retentionIntervalMs ?? 3_600_000, logger, 'retention pass'));

  return async () => {
    for (const stop of timers) await stop();
    await Promise.all(workers.map((w) => w.close()));
  };
}
