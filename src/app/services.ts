import type { Logger } from 'pino';
import { accountComposer, accountIds } from '../accounts/wiring.ts';
import { holdForApproval } from '../approval/hold.ts';
import { Approvals } from '../approval/service.ts';
import { noticeComposer } from '../compose/for-notice.ts';
import type { Config } from '../config.ts';
import type { ApprovalHold } from '../incidents/adapters/apply.ts';
import type { DraftNews } from '../incidents/draft-news.ts';
import type { IncidentStore } from '../incidents/store.ts';
import { Maintenance } from '../maintenance/adapters/service.ts';
import { openMaintenanceQueue, type Queues } from '../queues.ts';
import type { RedisClient } from '../redis/connect.ts';

/*
 * The services both sides of a process build from the configuration: the approval hold the
 * workers apply, and what people do (drafts, maintenance) behind the console, the API and the
 * CLI. Built here, not in the console, so a worker-only process never loads the console's plugins.
 */

/**
 * The incident worker's side of the policy: what an event planned, held where the policy says.
 * Each draft is written by its own account's composer, in that account's language and zone.
 */
export function approvalHold(config: Pick<Config, 'approvalPolicy' | 'messagesDir' | 'locale' | 'timezone' | 'statusUrl' | 'accounts'>): ApprovalHold {
  const compose = accountComposer(config);
  return (previous, applied, origin) => holdForApproval(previous, applied, { policy: config.approvalPolicy, compose, source: origin.source, at: origin.receivedAt });
}

/** What people do to drafts, by-hand incidents and announcements (approval/service.ts). */
export function approvalsFor(config: Readonly<Config>, parts: { store: IncidentStore; queues: Queues; logger: Logger; news?: DraftNews }): Approvals {
  return new Approvals({
    ...parts,
    policy: config.approvalPolicy,
    compose: accountComposer(config),
    composeNotice: noticeComposer(config),
    rules: { graceMs: config.graceMs, reopenWindowMs: config.reopenWindowMs, mayChangeFactsOf: config.routes?.mayChangeFactsOf },
    services: config.services,
  });
}

/** The maintenance service for this configuration: every account, the approval policy, its composers. */
export function maintenanceFor(config: Readonly<Config>, parts: { store: IncidentStore; redis: RedisClient; queues: Pick<Queues, 'posts'>; logger: Logger }) {
  const queue = openMaintenanceQueue(parts.redis, config.redisPrefix);
  const maintenance = new Maintenance({
    ...parts,
    prefix: config.redisPrefix,
    accounts: accountIds(config),
    policy: config.approvalPolicy,
    compose: accountComposer(config),
    overrun: { queue, graceMs: config.maintenanceGraceMs },
  });
  return { maintenance, close: () => queue.close() };
}
