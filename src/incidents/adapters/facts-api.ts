import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requires } from '../../auth/guard.ts';
import { invalidPayload } from '../../errors.ts';
import { scheduleDelivery, type Queues } from '../../queues.ts';
import { deliveryPriority } from '../delivery-priority.ts';
import { changeFacts } from '../facts-change.ts';
import { factsShape } from '../impacts.ts';
import { IncidentNotFound, type IncidentStore } from '../store.ts';
import { incidentView } from './api.ts';

/** The body of PATCH /api/incidents/:key: any of the facts, at least one. */
export const factsPatchSchema = z
  .object(factsShape)
  .strict()
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'set at least one of impacts, scope, phase, dataSafety' });

export interface FactsApiDeps {
  store: IncidentStore;
  queues: Pick<Queues, 'posts'>;
  now?: () => Date;
}

/**
 * `PATCH /api/incidents/:key` for whoever may decide (the API token, an approver or admin): sets impacts, scope,
 * phase or data safety. Answers the incident as GET does, plus `changed` (the fields that
 * changed) and `scheduled` (the follow-up it planned, if any).
 */
export async function incidentFactsRoutes(app: FastifyInstance, deps: FactsApiDeps) {
  app.patch<{ Params: { key: string } }>('/api/incidents/:key', requires('decide'), async (request) => {
    const body = factsPatchSchema.safeParse(request.body ?? {});
    if (!body.success) throw invalidPayload(body.error, 'the body');
    const now = (deps.now?.() ?? new Date()).toISOString();
    const result = await deps.store.update(request.params.key, (current) => {
      if (!current || current.topic === 'announcement') return { next: null, result: null };
      const changed = changeFacts(current, body.data, request.principal!.name, now);
      return { next: changed.changed ? changed.incident : null, result: changed };
    });
    if (!result) throw new IncidentNotFound(request.params.key, 'outage');
    for (const post of result.scheduled) {
      await scheduleDelivery(deps.queues.posts, { key: result.incident.key, postId: post.id }, post.dueAt, { priority: deliveryPriority(result.incident, post) });
    }
    return { ...incidentView(result.incident), changed: result.changedFields, scheduled: result.scheduled.map((p) => p.id) };
  });
}
