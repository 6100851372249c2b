/**
 * Every JSON route herald serves, for its OpenAPI document (openapi.ts): each names the zod schema
 * its route checks the body or query with, so the document cannot describe another input than the
 * one enforced. Answers are described in words where no schema produces them. A test fails when
 * fastify serves a route under /api or /webhooks that is missing here, or one here needs another
 * permission than its route `requires`.
 */
import { z } from 'zod';
import { schemas as approvalSchemas } from '../console/api.ts';
import { factsPatchSchema } from '../incidents/adapters/facts-api.ts';
import { threadBodySchema } from '../incidents/adapters/thread-api.ts';
import { alertmanagerSchema } from '../ingest/alertmanager.ts';
import { datadogSchema } from '../ingest/datadog.ts';
import { genericEventSchema } from '../ingest/generic.ts';
import { grafanaSchema } from '../ingest/grafana.ts';
import { webhookSchema as pagerdutySchema } from '../ingest/pagerduty.ts';
import { periodSchema } from '../journal/report.ts';
import { journalPatchSchema } from '../journal/routes.ts';
import { changeSchema, scheduleSchema } from '../maintenance/input.ts';
import { pageSchema } from '../paging.ts';
import type { Permission } from '../auth/access.ts';

/** Who may call an operation: a permission of the console's roles, nobody in particular, or a webhook's own secret. */
export type Access = Permission | 'public' | 'webhook' | 'metrics';

/** One route as the document describes it; `path` is written as fastify declares it (`:key`). */
export interface Operation {
  method: 'get' | 'post' | 'patch';
  path: string;
  summary: string;
  access: Access;
  /** Security requirements of a webhook (each tool's own secrets); every /api route takes the API token or a session. */
  security?: Record<string, string[]>[];
  body?: z.ZodType;
  query?: z.ZodObject;
  /** The answer when all goes well: status, what it holds, and its shape where a schema says it. */
  ok: { status: number; description: string; schema?: z.ZodType; type?: string };
  /** Refusals beside those every route of its kind can give (401, 403, 415, 503...). */
  refusals?: number[];
}

const limitField = (fallback: number, max: number) => z.string().regex(/^\d+$/).optional().meta({ description: `How many, 1 to ${max} (default ${fallback}).` });
const limit = (fallback: number, max: number) => z.object({ limit: limitField(fallback, max) });
/** `?page=` as `apiPage` checks it (src/paging.ts); the answer's `Link` header names the next page. */
const page = pageSchema.optional().meta({ description: 'The 1-based page; `Link: <…>; rel="next"` names the next one.' });
const paged = (fallback?: number, max?: number) => z.object({ page, ...(fallback !== undefined && max !== undefined && { limit: limitField(fallback, max) }) });

const object = (description: string) => z.looseObject({}).meta({ description });

const oneIncident = z.object({ incident: z.string(), status: z.enum(['open', 'update', 'resolved']) }).meta({ id: 'WebhookAcceptedOne' });
const manyIncidents = z
  .object({
    accepted: z.number().int(),
    incidents: z.array(z.string()),
    unrouted: z.number().int().meta({ description: 'Alerts kept from the public (GET /api/alerts/unrouted), those held in a flood included.' }),
    held: z.number().int().optional().meta({ description: 'New incidents the flood cap kept from the public (HERALD_FLOOD_NEW_INCIDENTS_PER_MINUTE), counted in `unrouted` too.' }),
    truncated: z.number().int().optional().meta({ description: 'Alerts Alertmanager says it left out of the payload.' }),
  })
  .meta({ id: 'WebhookAccepted' });
const accepted = { status: 202, description: 'In Redis, to be applied: one public event answers `{incident, status}`, anything else `{accepted, incidents, unrouted}`.', schema: z.union([oneIncident, manyIncidents]) };
const signed = [409];

const webhook = (name: string, summary: string, body: z.ZodType, security: Record<string, string[]>[], extra: number[] = []): Operation => ({
  method: 'post',
  path: `/webhooks/${name}`,
  summary,
  access: 'webhook',
  security,
  body,
  ok: accepted,
  refusals: extra,
});

const incident = object('The incident: key, state, service, feature, impacts, facts, times, events, its tweets and posts (docs/http-api.md).');
const draft = object('The draft with its incident, text, deadline and what the approval policy says (docs/approval.md).');
const window = object('The maintenance window: key, state, service, impacts, times, notices (docs/maintenance.md).');
const journal = object('The journal: timeline, posts, notes (docs/journal.md).');

export const OPERATIONS: readonly Operation[] = [
  webhook('generic', "herald's own event format", genericEventSchema, [{ webhookToken: [] }, { heraldSignature: [] }], signed),
  webhook('alertmanager', 'Prometheus Alertmanager (webhook payload version 4)', alertmanagerSchema, [{ alertmanagerToken: [] }, { alertmanagerBasic: [] }]),
  webhook('grafana', 'Grafana unified alerting (webhook contact point)', grafanaSchema, [{ grafanaToken: [] }, { grafanaBasic: [] }, { grafanaSignature: [] }], signed),
  webhook('pagerduty', 'PagerDuty v3 webhook subscription', pagerdutySchema, [{ pagerdutySignature: [] }], signed),
  webhook('datadog', 'Datadog Webhooks integration (payload in docs/sources.md)', datadogSchema, [{ datadogToken: [] }, { datadogBasic: [] }]),

  { method: 'get', path: '/api/incidents', summary: 'The latest incidents', access: 'view', query: paged(50, 100), ok: { status: 200, description: 'The incidents, newest first, a page at a time.', schema: z.array(incident) } },
  { method: 'post', path: '/api/incidents', summary: 'Open an incident by hand', access: 'decide', body: approvalSchemas.open, ok: { status: 201, description: 'The incident and the draft of its announcement.', schema: incident } },
  { method: 'get', path: '/api/incidents/:key', summary: 'One incident', access: 'view', ok: { status: 200, description: 'The incident.', schema: incident } },
  { method: 'patch', path: '/api/incidents/:key', summary: "Change an outage's facts", access: 'decide', body: factsPatchSchema, ok: { status: 200, description: 'The incident plus `changed` and `scheduled`.', schema: incident } },
  { method: 'post', path: '/api/incidents/:key/updates', summary: 'Write an update by hand', access: 'decide', body: approvalSchemas.byHand, ok: { status: 201, description: 'The incident and the draft of the update.', schema: incident }, refusals: [409, 422] },
  { method: 'post', path: '/api/incidents/:key/resolve', summary: 'Resolve by hand', access: 'decide', body: approvalSchemas.byHand, ok: { status: 200, description: 'The incident and its drafts.', schema: incident }, refusals: [409, 422] },
  { method: 'post', path: '/api/incidents/:key/thread', summary: "Attach an account's thread to its live root", access: 'admin', body: threadBodySchema, ok: { status: 200, description: 'The incident.', schema: incident }, refusals: [409] },
  { method: 'get', path: '/api/incidents/:key/audit', summary: "An incident's audit trail", access: 'audit', ok: { status: 200, description: 'Who did what, oldest first.', schema: z.array(object('One entry.')) } },
  { method: 'get', path: '/api/incidents/:key/journal.json', summary: "An incident's journal", access: 'view', ok: { status: 200, description: 'The journal.', schema: journal } },
  { method: 'get', path: '/api/incidents/:key/journal.md', summary: "An incident's journal as Markdown", access: 'view', ok: { status: 200, description: 'The journal, for a postmortem.', type: 'text/markdown' } },
  { method: 'patch', path: '/api/incidents/:key/journal', summary: "Edit a journal's notes", access: 'decide', body: journalPatchSchema, ok: { status: 200, description: 'The journal.', schema: journal } },
  { method: 'get', path: '/api/reports', summary: 'The report of a period', access: 'view', query: periodSchema('UTC'), ok: { status: 200, description: 'Every incident of the period and a summary (docs/journal.md).', schema: object('The report.') } },
  { method: 'get', path: '/api/alerts/unrouted', summary: 'Alerts kept from the public', access: 'view', query: limit(100, 1000), ok: { status: 200, description: '`{alerts}`, most recently seen first, each with the reason.', schema: object('The alerts.') } },
  { method: 'get', path: '/api/audit', summary: 'The audit log', access: 'audit', query: paged(200, 200), ok: { status: 200, description: 'Who did what, newest first.', schema: z.array(object('One entry.')) } },

  { method: 'get', path: '/api/drafts', summary: 'Drafts waiting for a person', access: 'view', query: paged(), ok: { status: 200, description: 'The drafts.', schema: z.array(draft) } },
  { method: 'get', path: '/api/drafts/:id', summary: 'One draft', access: 'view', ok: { status: 200, description: 'The draft.', schema: draft } },
  { method: 'patch', path: '/api/drafts/:id', summary: "Edit a draft's text", access: 'decide', body: approvalSchemas.edit, ok: { status: 200, description: 'The draft.', schema: draft }, refusals: [409, 422] },
  { method: 'post', path: '/api/drafts/:id/approve', summary: 'Approve a draft (optionally with new text)', access: 'decide', body: approvalSchemas.approve, ok: { status: 200, description: 'The draft, now approved.', schema: draft }, refusals: [409, 422] },
  { method: 'post', path: '/api/drafts/:id/reject', summary: 'Reject a draft', access: 'decide', body: approvalSchemas.reject, ok: { status: 200, description: 'The draft, now rejected.', schema: draft }, refusals: [409] },
  { method: 'post', path: '/api/announcements', summary: 'An announcement that is no outage', access: 'decide', body: approvalSchemas.announce, ok: { status: 201, description: '`{incident, draft}`.', schema: object('The announcement.') } },

  { method: 'get', path: '/api/maintenance', summary: 'Scheduled maintenance windows', access: 'view', ok: { status: 200, description: 'The windows.', schema: z.array(window) } },
  { method: 'post', path: '/api/maintenance', summary: 'Schedule a window', access: 'decide', body: scheduleSchema, ok: { status: 201, description: 'The window.', schema: window } },
  { method: 'get', path: '/api/maintenance/:key', summary: 'One window', access: 'view', ok: { status: 200, description: 'The window.', schema: window } },
  { method: 'patch', path: '/api/maintenance/:key', summary: 'Move a window', access: 'decide', body: changeSchema, ok: { status: 200, description: 'The window.', schema: window }, refusals: [409] },
  { method: 'post', path: '/api/maintenance/:key/done', summary: 'Finish a window', access: 'decide', ok: { status: 200, description: 'The window.', schema: window }, refusals: [409] },
  { method: 'post', path: '/api/maintenance/:key/cancel', summary: 'Call a window off', access: 'decide', ok: { status: 200, description: 'The window.', schema: window }, refusals: [409] },

  { method: 'get', path: '/api/budget', summary: 'Posting and reading budgets', access: 'view', ok: { status: 200, description: 'Per window `limit`, `used`, `remaining`, `nextFreeAt`; the `reserve`; `rateLimitedUntil`.', schema: object('The budgets.') } },
  { method: 'get', path: '/api/x', summary: 'The default X account', access: 'view', ok: { status: 200, description: '`status`, `reason`, `since`, `nextProbeAt`, `lastProbe`, `mode`.', schema: object('The account.') } },
  { method: 'post', path: '/api/x/resume', summary: 'Lift a block or hold now', access: 'admin', ok: { status: 200, description: 'The account.', schema: object('The account.') } },
  { method: 'get', path: '/api/accounts', summary: 'Every account', access: 'view', ok: { status: 200, description: 'Each with its network, status and budget.', schema: z.array(object('One account.')) } },
  { method: 'post', path: '/api/accounts/:id/resume', summary: "Lift an account's block now", access: 'admin', ok: { status: 200, description: 'The account.', schema: object('The account.') } },

  { method: 'get', path: '/api/openapi.json', summary: 'This document', access: 'public', ok: { status: 200, description: 'OpenAPI 3.1.', schema: object('The OpenAPI document.') } },
  { method: 'get', path: '/healthz', summary: 'The process is up', access: 'public', ok: { status: 200, description: '`{status, mode, version}`.', schema: z.object({ status: z.literal('ok'), mode: z.string(), version: z.string() }) } },
  { method: 'get', path: '/readyz', summary: 'Redis answers and holds herald\'s data', access: 'public', ok: { status: 200, description: 'Ready; 503 otherwise, with the reason.', schema: object('`{status, redis}`.') } },
  { method: 'get', path: '/healthz/x', summary: 'The default account posts', access: 'public', ok: { status: 200, description: 'Posting; 503 with `status` and `reason` in every other state.', schema: object('The account.') } },
  { method: 'get', path: '/healthz/accounts', summary: 'Every account posts', access: 'public', ok: { status: 200, description: 'Every account; 503 while one does not post, named in `stopped`.', schema: object('The accounts.') } },
  { method: 'get', path: '/status/summary.json', summary: 'The public status (Statuspage v2 summary shape)', access: 'public', ok: { status: 200, description: '`page`, `components`, `incidents`, `scheduled_maintenances`, `status`; ETag and 304.', schema: object('The summary.') } },
  { method: 'get', path: '/status/:account/summary.json', summary: "A further account's public status", access: 'public', ok: { status: 200, description: 'As `/status/summary.json`, for that account.', schema: object('The summary.') } },
  { method: 'get', path: '/metrics', summary: 'Prometheus metrics', access: 'metrics', ok: { status: 200, description: 'The exposition format; open when `HERALD_METRICS_TOKEN` is unset, absent here with `HERALD_METRICS_PORT`.', type: 'text/plain' } },
];
