/**
 * Scheduling maintenance from the API, the console and the CLI alike. Each window is an incident
 * record of its own (`topic: maintenance`): its posts go through the approval policy and the
 * delivery worker like every other post (claims, reconciliation, the sweep), each with a BullMQ
 * delayed job due at its moment. A sorted set indexes the windows by start for lists and feeds.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { holdForApproval } from '../../approval/hold.ts';
import type { ApprovalPolicy } from '../../approval/policy.ts';
import type { AccountIds } from '../../incidents/accounts.ts';
import { deliveryPriority } from '../../incidents/delivery-priority.ts';
import type { Composer } from '../../incidents/delivery-rules.ts';
import type { Incident } from '../../incidents/model.ts';
import type { IncidentStore } from '../../incidents/store.ts';
import type { RedisClient } from '../../redis/connect.ts';
import { deliveryJobFor, deliveryJobId, scheduleDelivery, type OverrunJob, type Queues } from '../../queues.ts';
import { changeFrom, windowFrom, windowProblems, type changeSchema, type ScheduleInput } from '../input.ts';
import { cancelWindow, changeWindow, finishWindow, MaintenanceRefusal, scheduleWindow, type Planned } from '../rules.ts';
import { isMaintenance } from '../window.ts';
import { maintenanceIndexKey } from './calendar.ts';
import type { z } from 'zod';
import type { Queue } from 'bullmq';
import { armOverrunCheck } from './overrun.ts';
import { HeraldError } from '../../errors.ts';

/** The approval policy sees maintenance posts as coming from this source (rules may name it). */
export const MAINTENANCE_SOURCE = 'maintenance';

export interface MaintenanceDeps {
  store: IncidentStore;
  redis: RedisClient;
  prefix: string;
  queues: Pick<Queues, 'posts'>;
  accounts: AccountIds;
  policy: ApprovalPolicy;
  compose: Composer;
  logger: Logger;
  /** Where the overrun check is queued (overrun.ts), and the grace period after a window's end. */
  overrun?: { queue: Queue<OverrunJob>; graceMs: number };
  now?: () => number;
}

/** A refusal with the HTTP status the API answers it with. */
const CODES = { 400: 'HERALD_INVALID_PAYLOAD', 404: 'HERALD_NOT_FOUND', 409: 'HERALD_CONFLICT' } as const;

/** A refused maintenance request; the one error handler (server.ts) answers it with its status. */
export class MaintenanceError extends HeraldError {
  override readonly name = 'MaintenanceError';
  constructor(status: keyof typeof CODES, message: string, details: string[] = []) {
    super(CODES[status], message, { details });
  }
}

const LIST_LIMIT = 200;

/**
 * Removes a withdrawn post's delivery job. A job running right now (woken early by an earlier post
 * of the thread) cannot be removed and may park itself until the post's old due time: wait for it
 * to settle. A job left behind would only find its post cancelled and do nothing.
 */
async function dropJob(posts: Pick<Queues, 'posts'>['posts'], jobId: string): Promise<void> {
  for (let i = 0; i < 40; i++) {
    const job = await posts.getJob(jobId);
    if (!job) return;
    if ((await job.getState()) !== 'active' && (await job.remove().then(() => true, () => false))) return;
    await new Promise((r) => setTimeout(r, 25));
  }
}

export class Maintenance {
  private readonly now: () => number;

  constructor(private readonly deps: MaintenanceDeps) {
    this.now = deps.now ?? Date.now;
  }

  private get indexKey(): string {
    return maintenanceIndexKey(this.deps.prefix);
  }

  async schedule(actor: string, input: ScheduleInput): Promise<Incident> {
    const nowMs = this.now();
    const window = windowFrom(input, nowMs);
    const problems = windowProblems(window.startsAt, window.endsAt, nowMs);
    if (problems.length > 0) throw new MaintenanceError(400, 'the window is not valid', problems);
    const key = `maint-${window.startsAt.slice(0, 10)}-${randomBytes(3).toString('hex')}`;
    const planned = scheduleWindow(key, window, this.deps.accounts, nowMs);
    const held = this.hold(null, planned, nowMs, actor, 'maintenance scheduled');
    await this.deps.store.update(key, (current) => ({ next: current ? null : held.incident, result: null }));
    await this.deps.redis.zadd(this.indexKey, Date.parse(window.startsAt), key);
    await this.queue(held);
    await this.armOverrun(held.incident);
    this.deps.logger.info({ incident: key, actor, startsAt: window.startsAt, endsAt: window.endsAt, posts: held.scheduled.length }, 'maintenance scheduled');
    return held.incident;
  }

  async change(actor: string, key: string, input: z.infer<typeof changeSchema>): Promise<Incident> {
    const change = changeFrom(input);
    return this.apply(key, actor, 'maintenance changed', (current, nowMs) => changeWindow(current, change, nowMs), async (incident) => {
      await this.deps.redis.zadd(this.indexKey, Date.parse(incident.maintenance!.startsAt), key);
    });
  }

  finish(actor: string, key: string): Promise<Incident> {
    return this.apply(key, actor, 'maintenance finished', finishWindow);
  }

  cancel(actor: string, key: string): Promise<Incident> {
    return this.apply(key, actor, 'maintenance cancelled', cancelWindow);
  }

  async get(key: string): Promise<Incident> {
    const incident = await this.deps.store.get(key);
    if (!isMaintenance(incident)) throw new MaintenanceError(404, `no maintenance window ${key}`);
    return incident;
  }

  /** Windows by start, the latest first; entries whose record retention removed are dropped. */
  async list(limit = LIST_LIMIT): Promise<Incident[]> {
    const keys = await this.deps.redis.zrevrange(this.indexKey, 0, limit - 1);
    const found = await Promise.all(keys.map((k) => this.deps.store.get(k)));
    const gone = keys.filter((_, i) => found[i] === null);
    if (gone.length > 0) await this.deps.redis.zrem(this.indexKey, ...gone);
    return found.filter(isMaintenance);
  }

  private async apply(
    key: string,
    actor: string,
    action: string,
    rule: (current: Incident, nowMs: number) => Planned,
    after?: (incident: Incident) => Promise<void>,
  ): Promise<Incident> {
    const held = await this.deps.store.update(key, (current) => {
      if (!isMaintenance(current)) throw new MaintenanceError(404, `no maintenance window ${key}`);
      const nowMs = this.now();
      let planned: Planned;
      try {
        planned = rule(current, nowMs);
      } catch (err) {
        if (err instanceof MaintenanceRefusal) throw new MaintenanceError(409, err.message);
        throw err;
      }
      const result = this.hold(current, planned, nowMs, actor, action);
      return { next: result.incident, result };
    });
    await after?.(held.incident);
    for (const post of held.cancelled) await dropJob(this.deps.queues.posts, deliveryJobId(key, post.id));
    await this.queue(held);
    await this.armOverrun(held.incident);
    this.deps.logger.info({ incident: key, actor, scheduled: held.scheduled.map((p) => p.id), cancelled: held.cancelled.map((p) => p.id) }, action);
    return held.incident;
  }

  /** The approval policy decides for every planned post (source `maintenance`), and the action is audited. */
  private hold(previous: Incident | null, planned: Planned, nowMs: number, actor: string, action: string): Planned {
    const at = new Date(nowMs).toISOString();
    const audited = { ...planned.incident, audit: [...(planned.incident.audit ?? []), { at, actor, action }] };
    const ctx = { policy: this.deps.policy, compose: this.deps.compose, source: MAINTENANCE_SOURCE, at };
    return holdForApproval(previous, { incident: audited, changed: true, scheduled: planned.scheduled, cancelled: planned.cancelled }, ctx);
  }

  private async armOverrun(incident: Incident): Promise<void> {
    if (this.deps.overrun) await armOverrunCheck(this.deps.overrun.queue, incident, this.deps.overrun.graceMs);
  }

  private async queue(planned: Planned): Promise<void> {
    const { incident } = planned;
    for (const post of planned.scheduled) {
      await scheduleDelivery(this.deps.queues.posts, deliveryJobFor(incident.key, post), post.dueAt, { priority: deliveryPriority(incident, post) });
    }
  }
}
