/**
 * herald's OpenAPI 3.1 description, built from the zod schemas the routes check their input with
 * (zod-openapi renders them through zod 4's own JSON Schema output; docs/design-notes.md says why).
 * Served at `GET /api/openapi.json` and written to docs/openapi.json by `npm run openapi`; a test
 * holds the document to fastify's route table and to docs/http-api.md.
 */
import { z } from 'zod';
import { createDocument, type ZodOpenApiObject, type ZodOpenApiOperationObject, type ZodOpenApiResponsesObject } from 'zod-openapi';
import { ERROR_CODES, type ErrorCode } from '../errors.ts';
import { heraldVersion } from '../version.ts';
import { OPERATIONS, type Operation } from './openapi-operations.ts';

/** The body of every refusal (src/errors.ts `ErrorBody`), its `code` from the table in docs/errors.md. */
const errorSchema = z
  .object({
    error: z.string().meta({ description: 'What went wrong, in one sentence.' }),
    details: z.array(z.string()).meta({ description: 'One line per problem: each bad field, each missing permission.' }),
    code: z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]).optional().meta({ description: 'On every refusal herald makes (docs/errors.md); absent only on an internal error (500).' }),
  })
  .meta({ id: 'Error' });

const openDescription = (codes: ErrorCode[]) => codes.map((c) => `\`${c}\`: ${ERROR_CODES[c].remedy}`).join(' ');

/** One reusable response per refusal status, naming the codes that carry it (from src/errors.ts). */
function errorResponses() {
  const statuses = [...new Set(Object.values(ERROR_CODES).map((e) => e.status))].sort();
  return Object.fromEntries(
    statuses.map((status) => {
      const codes = (Object.keys(ERROR_CODES) as ErrorCode[]).filter((c) => ERROR_CODES[c].status === status);
      return [`Error${status}`, { description: openDescription(codes), content: { 'application/json': { schema: errorSchema } } }];
    }),
  );
}

const API_SECURITY: Record<string, string[]>[] = [{ apiToken: [] }, { session: [] }];

const securitySchemes = {
  apiToken: { type: 'http', scheme: 'bearer', description: '`HERALD_API_TOKEN`: an admin (docs/security.md).' },
  session: {
    type: 'apiKey',
    in: 'cookie',
    name: 'herald_session',
    description: "A signed-in console session, by its role's permissions; a change also carries its CSRF token in `x-csrf-token`.",
  },
  metricsToken: { type: 'http', scheme: 'bearer', description: '`HERALD_METRICS_TOKEN` (or the API token); basic auth with it as the password reads too.' },
  webhookToken: { type: 'http', scheme: 'bearer', description: '`WEBHOOK_TOKEN`: opens `POST /webhooks/generic` only.' },
  heraldSignature: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Herald-Signature',
    description:
      'With `WEBHOOK_HMAC_SECRET`: `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`, the timestamp (Unix seconds) sent as `X-Herald-Timestamp`, at most five minutes off; a signed delivery is taken once (docs/sources.md).',
  },
  alertmanagerToken: { type: 'http', scheme: 'bearer', description: '`ALERTMANAGER_TOKEN`.' },
  alertmanagerBasic: { type: 'http', scheme: 'basic', description: '`ALERTMANAGER_TOKEN` as the password; the user name is not checked.' },
  grafanaToken: { type: 'http', scheme: 'bearer', description: '`GRAFANA_TOKEN`.' },
  grafanaBasic: { type: 'http', scheme: 'basic', description: '`GRAFANA_TOKEN` as the password.' },
  grafanaSignature: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Grafana-Alerting-Signature',
    description: "Grafana's HMAC-SHA256 with `GRAFANA_TOKEN` as the secret, over `<timestamp>:<body>` when `X-Grafana-Alerting-Timestamp` is sent.",
  },
  pagerdutySignature: { type: 'apiKey', in: 'header', name: 'X-PagerDuty-Signature', description: '`v1=<hex HMAC-SHA256 of the body>` with `PAGERDUTY_WEBHOOK_SECRET`.' },
  datadogToken: { type: 'http', scheme: 'bearer', description: '`DATADOG_TOKEN` (a custom header in the Datadog webhook).' },
  datadogBasic: { type: 'http', scheme: 'basic', description: '`DATADOG_TOKEN` as the password.' },
} as const;

/** The refusals every operation of a kind can give, by who may call it. */
function usualRefusals(op: Operation): number[] {
  const changes = op.method !== 'get';
  switch (op.access) {
    case 'public':
      return [];
    case 'metrics':
      return [401, 403];
    case 'webhook':
      return [400, 401, 404, 413, 503];
    default:
      return [401, 403, ...(changes ? [415] : []), ...(op.body || op.query ? [400] : []), ...(op.path.includes(':') ? [404] : []), 503];
  }
}

const ref = (status: number) => ({ $ref: `#/components/responses/Error${status}` });

function operation(op: Operation): ZodOpenApiOperationObject {
  const names = [...op.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  const path = names.length > 0 ? z.object(Object.fromEntries(names.map((n) => [n, z.string().min(1)]))) : undefined;
  const responses: Record<string, ZodOpenApiResponsesObject[keyof ZodOpenApiResponsesObject]> = {
    [String(op.ok.status)]: {
      description: op.ok.description,
      ...(op.ok.schema && { content: { [op.ok.type ?? 'application/json']: { schema: op.ok.schema } } }),
      ...(!op.ok.schema && op.ok.type && { content: { [op.ok.type]: { schema: z.string() } } }),
    },
  };
  for (const status of [...new Set([...usualRefusals(op), ...(op.refusals ?? [])])].sort()) responses[String(status)] = ref(status);
  return {
    operationId: operationId(op),
    summary: op.summary,
    ...(op.access !== 'public' && op.access !== 'webhook' && op.access !== 'metrics' && { 'x-herald-permission': op.access }),
    security: op.access === 'public' ? [] : op.access === 'metrics' ? [{ metricsToken: [] }, { apiToken: [] }] : (op.security ?? API_SECURITY),
    ...((path || op.query) && { requestParams: { ...(path && { path }), ...(op.query && { query: op.query }) } }),
    ...(op.body && { requestBody: { required: true, content: { 'application/json': { schema: op.body } } } }),
    responses: responses as ZodOpenApiResponsesObject,
  };
}

/** `POST /api/incidents/:key/thread` → `postApiIncidentsKeyThread`: stable, so clients generated from it keep their names. */
function operationId(op: Operation): string {
  const words = op.path.split(/[/.:_-]+/).filter(Boolean);
  return op.method + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

/** `/api/incidents/:key` → `/api/incidents/{key}`. */
export const openapiPath = (path: string): string => path.replace(/:(\w+)/g, '{$1}');

/** The whole document, the same on every herald of this version (nothing from configuration). */
export function openapiDocument(): ReturnType<typeof createDocument> {
  const paths: NonNullable<ZodOpenApiObject['paths']> = {};
  for (const op of OPERATIONS) paths[openapiPath(op.path)] = { ...paths[openapiPath(op.path)], [op.method]: operation(op) };
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'herald',
      version: heraldVersion,
      description:
        'Monitoring webhooks in, threaded outage announcements out. Who may call what: docs/security.md; every refusal is `{error, details, code}` (docs/errors.md). Generated from the zod schemas the routes check with: `npm run openapi`.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    paths,
    components: { securitySchemes, responses: errorResponses() },
  });
}
