import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requires } from '../../auth/guard.ts';
import { deliveryJobFor, scheduleDelivery, type Queues } from '../../queues.ts';
import { deliveryPriority } from '../delivery-priority.ts';
import { changeFacts } from '../facts-change.ts';
import { factsShape } from '../impacts.ts';
import type { IncidentStore } from '../store.ts';
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
  app.patch<{ Params: { key: string } }>('/api/incidents/:key', requires('decide'), async (request, reply) => {
    const body = factsPatchSchema.safeParse(request.body ?? {});
    if (!body.success) {
      return reply.code(400).send({ error: 'the body is not valid', details: body.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`) });
    }
    const now = (deps.now?.() ?? new Date()).toISOString();
    const result = await deps.store.update(request.params.key, (current) => {
      if (!current || current.topic === 'announcement') return { next: null, result: null };
      const changed = changeFacts(current, body.data, request.principal!.name, now);
      return { next: changed.changed ? changed.incident : null, result: changed };
    });
    if (!result) return reply.code(404).send({ error: `no outage with key ${request.params.key}`, details: [] });
    for (const post of result.scheduled) {
      await scheduleDelivery(deps.queues.posts, deliveryJobFor(result.incident.key, post), post.dueAt, { priority: deliveryPriority(result.incident, post) });
    }
    return { ...incidentView(result.incident), changed: result.changedFields, scheduled: result.scheduled.map((p) => p.id) };
  });
}
