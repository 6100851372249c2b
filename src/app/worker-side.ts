import type { Worker } from 'bullmq';
import { accountIds } from '../accounts/wiring.ts';
import { defaultBundle, guardAccounts, readInstanceLimits } from './accounts.ts';
import { startFollowUpWorker } from '../incidents/adapters/follow-ups.ts';
import { startIncidentWorker } from '../incidents/adapters/incident-worker.ts';
import { RedisFloodGate } from '../incidents/adapters/flood-gate.ts';
import type { Incident } from '../incidents/model.ts';
import { RedisUnroutedLog } from '../incidents/adapters/unrouted-store.ts';
import { expireOldIncidents } from '../incidents/adapters/retention.ts';
import { observeDeliveries } from '../ops/instrument.ts';
import { workerConnection } from '../redis/connect.ts';
import { ReplicaWait } from '../redis/replicas.ts';
import { accountDeliveries } from '../publish/account-delivery.ts';
import { startDeliveryWorker } from '../publish/delivery-worker.ts';
import { accountOfJob } from '../publish/account-hold.ts';
import { startOverrunWorker } from '../maintenance/adapters/overrun.ts';
import { quietHold } from '../maintenance/adapters/quiet-hold.ts';
import { startSweeper, sweepDeliveries } from '../publish/sweep.ts';
import { startAccountProbe } from '../publish/account-state.ts';
import { staffChannels } from '../notices/channels.ts';
import { startNoticeWorker } from '../notices/worker.ts';
import { openStaffNews } from '../notices/wiring.ts';
import { rateBudgets } from '../publish/x-health.ts';
import { approvalHold } from './services.ts';
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
  const { config, logger, prefix, store, queues, metrics, followUpQueue } = parts;
  const connection = workerConnection(config.redis, parts.redis);
  const rules = { graceMs: config.graceMs, reopenWindowMs: config.reopenWindowMs, mayChangeFactsOf: config.routes?.mayChangeFactsOf };
  const hold = approvalHold(config);
  // Alerts a maintenance window covers are recorded, not announced (maintenance/quiet.ts).
  const maintenance = quietHold(config, { redis: parts.redis, prefix, store }, hold);
  const workers: Worker[] = [];
  const timers: Stop[] = [];
  const staff = openStaffNews(config, parts.redis, connection, prefix, logger);
  const news = staff.news;

  const incidentWorker = startIncidentWorker({ connection, prefix, store, queues, rules, accounts: accountIds(config), logger, hold: maintenance.hold, prepare: maintenance.prepare, lockMs: config.delivery.jobLockMs, timeBounds: config.eventTimeBounds, services: config.services, news, unrouted: new RedisUnroutedLog(parts.redis, prefix) });
  // Each account its own budget, state and hold: one network's 429 or block holds only its own posts.
  const accounts = guardAccounts(parts.accounts, { redis: parts.redis, prefix, posts: queues.posts, settings: config.delivery, timeoutMs: parts.timeoutMs });
  const main = defaultBundle(accounts);
  void readInstanceLimits(accounts, logger);
  const replicas = new ReplicaWait(parts.redis, config.redisReplication);
  const networkOf = (account: string) => accounts.find((a) => a.id === account)?.account.network ?? main.account.network;
  const uncomposable = (account: string) => metrics.posts.inc({ outcome: 'uncomposable', network: networkOf(account) });
  const floods = new RedisFloodGate(parts.redis, prefix, { cap: config.newIncidentsPerMinute, logger });
  const openedInFlood = (incident: Incident) => floods.openedInFlood(incident);
  const deliveryDeps = { connection, prefix, store, queues, logger, replicas, news, threads: parts.threads, uncomposable, openedInFlood };
  const delivery = startDeliveryWorker({ ...deliveryDeps, guards: main.guards, publisher: main.publisher, compose: main.compose }, accountDeliveries(deliveryDeps, accounts));
  observeDeliveries(delivery, store, metrics, logger, (job) => networkOf(accountOfJob(job)));
  metrics.setRateBudgetSource(() => rateBudgets(main.guards));
  workers.push(incidentWorker, delivery);
  workers.push(startOverrunWorker({ connection, prefix, store, queues, hold, logger }));

  const sweepMs = timings.sweepIntervalMs ?? config.sweepMs;
  timers.push(startSweeper(() => sweepDeliveries(store, queues, parts.redis, logger), sweepMs, logger));
  for (const { guards, publisher } of accounts) {
    timers.push(startAccountProbe(guards.account, publisher, Math.max(250, Math.min(5000, config.delivery.probeMs, config.delivery.unavailableProbeMs / 2)), logger));
  }
  if (followUpQueue) {
    const followUp = startFollowUpWorker({ queue: followUpQueue, redis: parts.redis, store, queues, schedule: config.followUps, logger, metrics, connection, prefix, deliveryWorker: delivery, incidentWorker, hold, news });
    workers.push(followUp.worker);
    timers.push(startSweeper(() => followUp.followUps.sweep(), sweepMs, logger));
  }
  if (staff.notices) {
    const channels = staffChannels(config.staffNotices, config.locale, config.timezone);
    workers.push(startNoticeWorker({ connection, prefix, redis: parts.redis, store, channels, consoleUrl: config.staffNotices.consoleUrl, metrics, logger }));
  }
  const expire = () => expireOldIncidents({ store, retentionMs: config.retentionMs, logger });
  timers.push(startSweeper(expire, timings.retentionIntervalMs ?? 3_600_000, logger, 'retention pass'));

  return async () => {
    for (const stop of timers) await stop();
    await Promise.all(workers.map((w) => w.close()));
    await staff.close();
  };
}
