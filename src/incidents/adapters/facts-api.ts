import type { FastifyInstance } from 'fastify';
import { requires } from '../../auth/guard.ts';
import { invalidPayload } from '../../errors.ts';
import { deliveryJobFor, scheduleDelivery, type Queues } from '../../queues.ts';
import { deliveryPriority } from '../delivery-priority.ts';
import { changeFacts } from '../facts-change.ts';
import type { Incident } from '../model.ts';
import { personFactsSchema, type PersonFacts } from '../public-note.ts';
import type { Applied } from '../rules.ts';
import { IncidentNotFound, type IncidentStore } from '../store.ts';
import { incidentView } from './api.ts';
import type { ApprovalHold } from './apply.ts';
import { tellDrafted, type DraftNews } from '../draft-news.ts';

/** The body of PATCH /api/incidents/:key: any of the facts or the public note, at least one. */
export const factsPatchSchema = personFactsSchema;

export interface FactsChangeDeps {
  store: IncidentStore;
  queues: Pick<Queues, 'posts'>;
  /** The approval policy: the follow-up a change plans waits for a person where it says so, as every post does. */
  hold?: ApprovalHold;
  /** Told when that follow-up becomes a draft. */
  news?: DraftNews;
  now?: () => Date;
  /** The language a note given as plain text is in: herald's (HERALD_LOCALE). */
  language?: string;
}

/** The source the approval policy sees for a follow-up a person's change of facts planned. */
export const FACTS_SOURCE = 'facts';
/**
 * The source it sees when that change set a public note: staff's own words going public, which
 * always wait for a person like every text written by hand (approval/policy.ts).
 */
export const NOTE_SOURCE = 'public-note';

/**
 * A person's change of facts, from the API, the CLI (which calls the API) or the console: applied
 * atomically, the follow-up it plans held by the approval policy in the same step, then queued.
 * Null when there is no outage with that key (announcements and maintenance windows have no facts
 * to change here).
 */
export async function changeIncidentFacts(deps: FactsChangeDeps, key: string, facts: PersonFacts, actor: string): Promise<(Applied & { changedFields: string[] }) | null> {
  const now = (deps.now?.() ?? new Date()).toISOString();
  const result = await deps.store.update(key, (current) => {
    if (!current || current.topic !== undefined) return { next: null, result: null };
    const changed = changeFacts(current, facts, actor, now, deps.language);
    if (!changed.changed) return { next: null, result: changed };
    const source = changed.changedFields.includes('publicNote') ? NOTE_SOURCE : FACTS_SOURCE;
    const held = deps.hold ? deps.hold(current, changed, { source, receivedAt: now }) : changed;
    return { next: held.incident, result: { ...held, changedFields: changed.changedFields } };
  });
  if (!result) return null;
  for (const post of result.scheduled) {
    await scheduleDelivery(deps.queues.posts, deliveryJobFor(key, post), post.dueAt, { priority: deliveryPriority(result.incident, post) });
  }
  await tellDrafted(deps.news, result.incident, result.scheduled);
  return result;
}

/**
 * `PATCH /api/incidents/:key` for whoever may decide (the API token, an approver or admin): sets impacts, scope,
 * phase, data safety or the public note. Answers the incident as GET does, plus `changed` (the fields that
 * changed) and `scheduled` (the follow-up it planned, if any, a draft where approval holds it).
 */
export async function incidentFactsRoutes(app: FastifyInstance, deps: FactsChangeDeps) {
  app.patch<{ Params: { key: string } }>('/api/incidents/:key', requires('decide'), async (request) => {
    const body = factsPatchSchema.safeParse(request.body ?? {});
    if (!body.success) throw invalidPayload(body.error, 'the body');
    const result = await changeIncidentFacts(deps, request.params.key, body.data, request.principal!.name);
    if (!result) throw new IncidentNotFound(request.params.key, 'outage');
    return { ...incidentView(result.incident as Incident), changed: result.changedFields, scheduled: result.scheduled.map((p) => p.id) };
  });
}
