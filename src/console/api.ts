import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Approvals } from '../approval/service.ts';
import { draftDetail, draftView } from '../approval/views.ts';
import { incidentView } from '../incidents/adapters/api.ts';
import { IncidentNotFound, type IncidentStore } from '../incidents/store.ts';
import { featureName, undefinedFeatureDetails } from '../incidents/impacts.ts';
import { eventFields } from '../incidents/event.ts';
import { invalidPayload, InvalidPayload } from '../errors.ts';
import { auditPage } from './audit-log.ts';
import { apiPage, pageOf, pagingHeaders } from '../paging.ts';
import { requires } from '../auth/guard.ts';
import type { SessionStore } from '../auth/sessions.ts';

export interface ApiDeps {
  approvals: Approvals;
  store: IncidentStore;
  sessions: SessionStore;
  /** The features the message catalog defines: an incident opened by hand names one of them. */
  features: readonly string[];
}

/** Drafts per `/api/drafts` page, and audit rows per `/api/audit` page at most: each page well under 200 KB. */
const API_PAGE = 100;
const MAX_AUDIT_PAGE = 200;

// Long enough for any tweet with room to spare; the real limit is checked by checkDraftText.
const text = z.string().max(5000);
export const schemas = {
  edit: z.object({ text }).strict(),
  approve: z.object({ text: text.optional() }).strict(),
  reject: z.object({ reason: z.string().trim().min(1, 'say why').max(500) }).strict(),
  open: z
    .object({
      key: eventFields.shape.key.optional(),
      service: eventFields.shape.service,
      feature: featureName,
      severity: eventFields.shape.severity,
      text: text.optional(),
    })
    .strict(),
  byHand: z.object({ text: text.optional() }).strict(),
  announce: z.object({ service: eventFields.shape.service, text: z.string().trim().min(1).max(2000) }).strict(),
};

export function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw invalidPayload(parsed.error, 'the body');
  return parsed.data;
}

/**
 * The JSON API for drafts and for what people do by hand, with the console's roles. Pinned
 * routes (checks rely on them): GET /api/drafts, PATCH /api/drafts/:id, POST
 * /api/drafts/:id/approve, POST /api/drafts/:id/reject, POST /api/incidents.
 */
export async function approvalApi(app: FastifyInstance, deps: ApiDeps) {
  const { approvals } = deps;
  const actor = (request: { principal: { name: string } | null }) => request.principal!.name;
  // Refusals (ApprovalError, InvalidPayload) are answered by the one error handler in server.ts.

  // Pages of 100, nearest deadline first; `Link` names the next page and `X-Total-Count` says how many wait.
  app.get<{ Querystring: { page?: string } }>('/api/drafts', requires('view'), async (request, reply) => {
    const paged = pageOf(await approvals.waiting(), apiPage(request.query.page), API_PAGE);
    return reply.headers(pagingHeaders('/api/drafts', paged)).send(paged.items.map(({ incident, post }) => draftView(incident, post)));
  });

  app.get<{ Params: { id: string } }>('/api/drafts/:id', requires('view'), async (request) => {
    const { incident, post } = await approvals.draft(request.params.id);
    return draftDetail(incident, post);
  });

  app.patch<{ Params: { id: string } }>('/api/drafts/:id', requires('decide'), async (request) => {
    const { incident, post } = await approvals.edit(request.params.id, actor(request), parse(schemas.edit, request.body).text);
    return draftDetail(incident, post);
  });

  app.post<{ Params: { id: string } }>('/api/drafts/:id/approve', requires('decide'), async (request) => {
    const { incident, post } = await approvals.approve(request.params.id, actor(request), parse(schemas.approve, request.body).text);
    return draftDetail(incident, post);
  });

  app.post<{ Params: { id: string } }>('/api/drafts/:id/reject', requires('decide'), async (request) => {
    const { incident, post } = await approvals.reject(request.params.id, actor(request), parse(schemas.reject, request.body).reason);
    return draftDetail(incident, post);
  });

  app.post('/api/incidents', requires('decide'), async (request, reply) => {
    const body = parse(schemas.open, request.body);
    const undefinedFeature = undefinedFeatureDetails(body, deps.features);
    if (undefinedFeature.length > 0) throw new InvalidPayload('the body is not valid', undefinedFeature);
    const { incident, post } = await approvals.openByHand(actor(request), body);
    return reply.code(201).send({ ...incidentView(incident), draft: draftDetail(incident, post) });
  });

  app.post<{ Params: { key: string } }>('/api/incidents/:key/updates', requires('decide'), async (request, reply) => {
    const { incident, post } = await approvals.updateByHand(actor(request), request.params.key, parse(schemas.byHand, request.body).text);
    return reply.code(201).send({ ...incidentView(incident), draft: draftDetail(incident, post) });
  });

  app.post<{ Params: { key: string } }>('/api/incidents/:key/resolve', requires('decide'), async (request) => {
    const incident = await approvals.resolveByHand(actor(request), request.params.key, parse(schemas.byHand, request.body).text);
    const drafts = incident.posts.filter((p) => p.status === 'draft').map((p) => draftDetail(incident, p));
    return { ...incidentView(incident), drafts };
  });

  app.post('/api/announcements', requires('decide'), async (request, reply) => {
    const { incident, post } = await approvals.announce(actor(request), parse(schemas.announce, request.body));
    return reply.code(201).send({ incident: incident.key, draft: draftDetail(incident, post) });
  });

  app.get<{ Params: { key: string } }>('/api/incidents/:key/audit', requires('audit'), async (request) => {
    const incident = await deps.store.get(request.params.key);
    if (!incident) throw new IncidentNotFound(request.params.key);
    return incident.audit ?? [];
  });

  app.get<{ Querystring: { limit?: string; page?: string } }>('/api/audit', requires('audit'), async (request, reply) => {
    const limit = Math.min(MAX_AUDIT_PAGE, Math.max(1, Number(request.query.limit ?? MAX_AUDIT_PAGE) || MAX_AUDIT_PAGE));
    const paged = await auditPage(deps.store, deps.sessions, apiPage(request.query.page), limit);
    return reply.headers(pagingHeaders(`/api/audit?limit=${limit}`, paged)).send(paged.items);
  });
}
