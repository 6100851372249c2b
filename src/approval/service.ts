import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { ComposeError } from '../compose/errors.ts';
import { HeraldError } from '../errors.ts';
import { accountOf } from '../incidents/accounts.ts';
import type { Composer } from '../incidents/delivery-rules.ts';
import { applyAndSchedule } from '../incidents/adapters/apply.ts';
import type { AlertEvent, EventStatus, Feature, Incident, Post, Severity } from '../incidents/model.ts';
import type { IncidentRules } from '../incidents/rules.ts';
import type { IncidentStore } from '../incidents/store.ts';
import { deliveryJobFor, deliveryJobId, scheduleDelivery, type Queues } from '../queues.ts';
import { checkDraftText, type TextProblem } from './draft-text.ts';
import { audited } from '../incidents/draft-rules.ts';
import { approveDraft, editDraft, parseDraftId, rejectDraft, type DraftChange } from './drafts.ts';
import { holdForApproval } from './hold.ts';
import { tellDrafted, type DraftNews } from '../incidents/draft-news.ts';
import { deliverSoon } from './kick.ts';
import { BY_HAND, type ApprovalPolicy } from './policy.ts';
import { serviceListed, unlistedServiceReason, type ServiceList } from '../incidents/service-name.ts';

/**
 * Everything a person can do from the console, the API or the CLI, in one place so the three
 * behave alike. Each change goes through the incident store's atomic update (see `drafts.ts`);
 * queue jobs only follow the record.
 */

export interface ApprovalDeps {
  store: IncidentStore;
  queues: Queues;
  policy: ApprovalPolicy;
  compose: Composer;
  /** Composes a free announcement (the catalog's `announcement` situation); throws ComposeError. */
  composeNotice: (input: { key: string; service: string; text: string }) => string;
  rules: IncidentRules;
  logger: Logger;
  now?: () => Date;
  /** Told of drafts made and decided here (staff notices, the console's live updates). */
  news?: DraftNews;
  /** The service names herald may post, when pinned (HERALD_SERVICES, the catalog's `services:`). */
  services?: ServiceList;
}

const APPROVAL_CODES = { 400: 'HERALD_REFUSED', 404: 'HERALD_NOT_FOUND', 409: 'HERALD_CONFLICT' } as const;

/** A refusal a person can act on, with the HTTP status the API answers it with. */
export class ApprovalError extends HeraldError {
  override readonly name = 'ApprovalError';
  constructor(
    status: 400 | 404 | 409,
    message: string,
    details: readonly string[] = [],
    /** The same details as data, when they are about a text (for the console's languages). */
    readonly problems: TextProblem[] = [],
  ) {
    super(APPROVAL_CODES[status], message, { details });
  }

  /** The console's catalog key (under `refusals.`) for this refusal, so people read it in their language. */
  refusal?: { key: string; values: Record<string, string> };

  as(key: string, values: Record<string, string> = {}): this {
    this.refusal = { key, values };
    return this;
  }
}

export interface Waiting {
  incident: Incident;
  post: Post;
}

export interface ByHandIncident {
  key?: string;
  service: string;
  feature: Feature;
  severity: Severity;
  text?: string;
}

const REFUSAL_STATUS = { 'not-found': 404, 'not-waiting': 409, 'no-text': 409 } as const;
const REFUSAL_KEY = { 'not-found': 'noDraft', 'not-waiting': 'notWaiting', 'no-text': 'noText' } as const;

function checked(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const result = checkDraftText(raw);
  if (!result.ok) throw new ApprovalError(400, result.error, result.details, result.problems).as('notATweet');
  return result.text;
}

/** Every draft waiting for a person, the nearest deadline first. */
export async function waitingDrafts(store: Pick<IncidentStore, 'activeKeys' | 'getMany'>): Promise<Waiting[]> {
  const incidents = await store.getMany(await store.activeKeys());
  const drafts = incidents.flatMap((incident) => incident.posts.filter((p) => p.status === 'draft').map((post) => ({ incident, post })));
  return drafts.sort((a, b) => Date.parse(a.post.approval?.deadline ?? a.post.dueAt) - Date.parse(b.post.approval?.deadline ?? b.post.dueAt));
}

/** A draft that has waited more than half the time between being held and its deadline: nobody may be looking. */
export const pastHalfDeadline = (post: Post, nowMs: number): boolean => {
  if (!post.approval) return false;
  const held = Date.parse(post.approval.heldAt);
  return nowMs - held > (Date.parse(post.approval.deadline) - held) / 2;
};

export class Approvals {
  private readonly now: () => Date;

  constructor(private readonly deps: ApprovalDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Drafts still waiting for a person, the nearest deadline first. */
  async waiting(): Promise<Waiting[]> {
    return waitingDrafts(this.deps.store);
  }

  /** One draft, in any state (a 404 when the id names nothing). */
  async draft(id: string): Promise<Waiting> {
    const ref = parseDraftId(id);
    const incident = ref && (await this.deps.store.get(ref.key));
    const post = incident?.posts.find((p) => p.id === ref!.postId && p.approval);
    if (!incident || !post) throw new ApprovalError(404, `no draft ${id}`).as('noDraft', { id });
    return { incident, post };
  }

  async edit(id: string, actor: string, text: string): Promise<Waiting> {
    const clean = checked(text)!;
    return this.change(id, 'edited', actor, (current, postId, at) => editDraft(current, postId, { actor, at, text: clean }));
  }

  /** Approves the draft (with an edit made in the same step when `text` is given) and wakes its delivery. */
  async approve(id: string, actor: string, text?: string): Promise<Waiting> {
    const clean = checked(text);
    const done = await this.change(id, 'approved', actor, (current, postId, at) => approveDraft(current, postId, { actor, at, text: clean }));
    await deliverSoon(this.deps.queues.posts, done.incident.key, done.post);
    return done;
  }

  async reject(id: string, actor: string, reason: string): Promise<Waiting> {
    const why = reason.trim();
    if (!why) throw new ApprovalError(400, 'say why the draft is rejected', ['reason: required']).as('sayWhy');
    const done = await this.change(id, 'rejected', actor, (current, postId, at) => rejectDraft(current, postId, { actor, at, reason: why.slice(0, 500) }), why.slice(0, 500));
    // The delivery job would find the post cancelled and do nothing; removing it keeps the queue tidy.
    await this.deps.queues.posts.remove(deliveryJobId(done.incident.key, done.post.id)).catch(() => 0);
    return done;
  }

  private async change(
    id: string,
    what: 'approved' | 'edited' | 'rejected',
    actor: string,
    apply: (current: Incident | null, postId: string, at: string) => DraftChange,
    reason?: string,
  ): Promise<Waiting> {
    const ref = parseDraftId(id);
    if (!ref) throw new ApprovalError(404, `no draft ${id}: a draft id looks like <incident>~<post>`).as('noDraft', { id });
    const at = this.now().toISOString();
    const result = await this.deps.store.update(ref.key, (current) => {
      const change = apply(current, ref.postId, at);
      return { next: change.incident, result: { change, incident: change.incident ?? current } };
    });
    const { outcome } = result.change;
    if (!outcome.ok) throw new ApprovalError(REFUSAL_STATUS[outcome.code], outcome.message).as(REFUSAL_KEY[outcome.code], { id });
    this.deps.logger.info({ incident: ref.key, post: ref.postId, actor }, `draft ${what}`);
    // An edit that changed nothing is no news.
    if (result.change.incident) await this.deps.news?.decided(result.incident!, outcome.post, { action: what, actor, at, reason });
    return { incident: result.incident!, post: outcome.post };
  }

  /** Opens an incident monitoring did not catch; its announcement waits as a draft. */
  /** A person's service name is held to the same list as a webhook's (refused here, not kept quiet: a person is there to fix it). */
  private listed(service: string): void {
    const { services } = this.deps;
    if (serviceListed(service, services)) return;
    const listed = services!.join(', ');
    throw new ApprovalError(400, `${unlistedServiceReason(service)}: ${listed}`, [`service: one of ${listed}`]).as('unlistedService', { service, listed });
  }

  async openByHand(actor: string, input: ByHandIncident): Promise<Waiting> {
    this.listed(input.service);
    const key = input.key ?? `manual-${this.now().toISOString().slice(0, 10)}-${randomBytes(3).toString('hex')}`;
    const event = this.event(key, 'open', input);
    return this.byHand(actor, event, checked(input.text), new ApprovalError(409, `incident ${key} is open already: post an update into its thread instead`).as('openAlready', { key }));
  }

  async updateByHand(actor: string, key: string, text?: string): Promise<Waiting> {
    const incident = await this.existing(key);
    if (incident.state !== 'open') throw new ApprovalError(409, `incident ${key} is resolved: open it again or open a new one`).as('resolvedAlready', { key });
    const nothing = new ApprovalError(409, `no update was planned for ${key}: its announcement has not gone out yet, or an update is already waiting`).as('noUpdate', { key });
    return this.byHand(actor, this.event(key, 'update', incident), checked(text), nothing);
  }

  async resolveByHand(actor: string, key: string, text?: string): Promise<Incident> {
    const incident = await this.existing(key);
    if (incident.state !== 'open') throw new ApprovalError(409, `incident ${key} is resolved already`).as('resolvedAlready', { key });
    const event = this.event(key, 'resolved', incident);
    const applied = await applyAndSchedule(this.byHandDeps(actor, checked(text)), event.key, [event]);
    if (!applied) throw new ApprovalError(409, `incident ${key} could not be resolved`).as('notResolvable', { key });
    return applied.incident;
  }

  /** A note that is not an outage (a feature, an event, safety advice), through the same approval path. */
  async announce(actor: string, input: { service: string; text: string }): Promise<Waiting> {
    this.listed(input.service);
    const at = this.now().toISOString();
    const key = `note-${at.slice(0, 10)}-${randomBytes(3).toString('hex')}`;
    let text: string;
    try {
      text = this.deps.composeNotice({ key, service: input.service, text: input.text });
    } catch (err) {
      if (!(err instanceof ComposeError)) throw err;
      throw new ApprovalError(400, 'the announcement cannot be posted', [err.message]).as('badAnnouncement');
    }
    const post: Post = { id: 'announcement-1', kind: 'announcement', status: 'scheduled', dueAt: at, attempts: 0, root: true, text, textFixed: true };
    // Not an outage: never open, so status pages and follow-ups leave it alone; minor, so its
    // draft expires by default when nobody approves it.
    const fresh: Incident = {
      key,
      service: input.service,
      feature: 'other',
      severity: 'minor',
      state: 'resolved',
      openedAt: at,
      resolvedAt: at,
      firstSeenAt: at,
      events: 0,
      posts: [post],
      topic: 'announcement',
    };
    const ctx = { policy: this.deps.policy, compose: this.deps.compose, source: BY_HAND, at, actor };
    const held = holdForApproval(null, { incident: audited(fresh, { at, actor, action: 'announcement written', account: accountOf(post), after: input.text }), changed: true, scheduled: [post], cancelled: [] }, ctx);
    await this.deps.store.update(key, (current) => ({ next: current ? null : held.incident, result: null }));
    await scheduleDelivery(this.deps.queues.posts, deliveryJobFor(key, post), post.dueAt);
    await tellDrafted(this.deps.news, held.incident, held.scheduled);
    this.deps.logger.info({ incident: key, actor }, 'announcement drafted');
    return { incident: held.incident, post: held.scheduled[0]! };
  }

  private async existing(key: string): Promise<Incident> {
    const incident = await this.deps.store.get(key);
    if (!incident) throw new ApprovalError(404, `no incident with key ${key}`).as('noIncident', { key });
    if (incident.topic === 'announcement') throw new ApprovalError(409, `${key} is an announcement, not an outage`).as('isAnnouncement', { key });
    return incident;
  }

  private event(key: string, status: EventStatus, from: Pick<Incident, 'service' | 'feature' | 'severity'>): AlertEvent {
    const at = this.now().toISOString();
    return { key, status, service: from.service, feature: from.feature, severity: from.severity, at, source: BY_HAND, receivedAt: at };
  }

  /** A person's action needs no grace period (it is no flapping alert), and is recorded as theirs. */
  private byHandDeps(actor: string, text: string | undefined) {
    const { store, queues, logger, policy, compose, news } = this.deps;
    return {
      store,
      queues,
      logger,
      news,
      rules: { ...this.deps.rules, graceMs: 0 },
      hold: (previous: Incident | null, planned: Parameters<typeof holdForApproval>[1], event: AlertEvent) => {
        if (planned.scheduled.length === 0 && event.status !== 'resolved') return { ...planned, incident: previous ?? planned.incident };
        const action = `${{ open: 'opened', update: 'updated', resolved: 'resolved' }[event.status]} by hand`;
        const recorded = { ...planned, incident: audited(planned.incident, { at: event.receivedAt, actor, action }) };
        return holdForApproval(previous, recorded, { policy, compose, source: BY_HAND, at: event.receivedAt, actor, text });
      },
    };
  }

  private async byHand(actor: string, event: AlertEvent, text: string | undefined, nothingPlanned: ApprovalError): Promise<Waiting> {
    const applied = await applyAndSchedule(this.byHandDeps(actor, text), event.key, [event]);
    const post = applied?.scheduled[0];
    if (!applied || !post) throw nothingPlanned;
    return { incident: applied.incident, post };
  }
}
