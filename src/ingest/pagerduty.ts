import { z } from 'zod';
import type { RawAlert, RouteTable } from '../incidents/routing.ts';
import { alertSource, compactId, monitoringTime } from './alert-source.ts';
import { secretsMatch } from '../auth/secrets.ts';
import { header, hmacHex } from '../auth/signing.ts';
import { SIGNED_BODY_LIMIT_BYTES, type Source } from './source.ts';
import { invalidPayload } from '../errors.ts';
import type { ServiceList } from '../incidents/service-name.ts';

/**
 * PagerDuty v3 webhook subscriptions: one event per request (`event.event_type`, `event.data`),
 * signed with the subscription's secret (`PAGERDUTY_WEBHOOK_SECRET`) in `X-PagerDuty-Signature:
 * v1=<hex HMAC-SHA256 of the raw body>`, several comma-separated during a secret rotation.
 * PagerDuty incidents carry no labels, so herald gives each one labels to route on (docs/sources.md).
 */

export const PAGERDUTY_SIGNATURE_HEADER = 'x-pagerduty-signature';
const PAGERDUTY_REPLAY_MS = 24 * 3600_000;

/** Event types about an incident's life; every other type is accepted and ignored. */
const INCIDENT_EVENT_TYPES = new Set([
  'incident.triggered',
  'incident.acknowledged',
  'incident.unacknowledged',
  'incident.reopened',
  'incident.resolved',
  'incident.escalated',
  'incident.reassigned',
  'incident.delegated',
  'incident.priority_updated',
]);

const reference = z.object({ id: z.string().min(1).max(64), summary: z.string().max(1024).optional() });

const incidentSchema = z.object({
  id: z.string().min(1).max(64),
  type: z.literal('incident'),
  status: z.enum(['triggered', 'acknowledged', 'resolved']).optional(),
  created_at: monitoringTime.optional(),
  service: reference,
  priority: reference.nullish(),
  urgency: z.string().max(32).optional(),
  teams: z.array(reference).optional(),
});

/** The envelope of every PagerDuty v3 webhook, as herald checks it (also the OpenAPI document's). */
export const webhookSchema = z.object({
  event: z.object({
    id: z.string().min(1).max(128),
    event_type: z.string().min(1).max(128),
    occurred_at: monitoringTime,
    data: z.unknown(),
  }),
});

const eventFields = webhookSchema.shape.event;
const incidentWebhookSchema = z.object({ event: eventFields.extend({ data: incidentSchema }) });

export const signPagerDuty = (secret: string, body: string): string => `v1=${hmacHex(secret, body)}`;

function labelsOf(incident: z.infer<typeof incidentSchema>): Record<string, string> {
  const labels: Record<string, string> = { pagerduty_service_id: incident.service.id };
  if (incident.service.summary !== undefined) labels.pagerduty_service = incident.service.summary;
  if (incident.priority?.summary !== undefined) labels.priority = incident.priority.summary;
  if (incident.urgency !== undefined) labels.urgency = incident.urgency;
  if (incident.teams?.length) labels.pagerduty_teams = incident.teams.map((t) => t.summary ?? t.id).join(',');
  return labels;
}

function toAlert(type: string, occurredAt: string, incident: z.infer<typeof incidentSchema>): RawAlert {
  const resolved = type === 'incident.resolved' || incident.status === 'resolved';
  // Acknowledging, escalating... repeat the incident's firing (same start); reopening starts anew.
  const fromStart = !resolved && type !== 'incident.reopened';
  return {
    source: 'pagerduty',
    id: compactId(incident.id),
    status: resolved ? 'resolved' : 'firing',
    labels: labelsOf(incident),
    at: fromStart ? (incident.created_at ?? occurredAt) : occurredAt,
  };
}

export function pagerdutySource(secret: string | undefined, routes: RouteTable | undefined, features?: readonly string[], services?: ServiceList): Source {
  return alertSource(
    {
      name: 'pagerduty',
      secret,
      authenticate: (headers) => header(headers, PAGERDUTY_SIGNATURE_HEADER) !== undefined,
      signatureOnly: () => true,
      signedBodyLimit: SIGNED_BODY_LIMIT_BYTES,
      // PagerDuty's signature carries no time, so its event ids are remembered for a day.
      replayId: (_headers, body) => {
        const id = (body as { event?: { id?: unknown } } | undefined)?.event?.id;
        return typeof id === 'string' ? { id: `pagerduty:${id}`, ttlMs: PAGERDUTY_REPLAY_MS } : undefined;
      },
      verifyBody(headers, rawBody, _nowMs, key) {
        const expected = signPagerDuty(key, rawBody);
        const given = (header(headers, PAGERDUTY_SIGNATURE_HEADER) ?? '').split(',').map((s) => s.trim());
        // Compare every candidate, so the time taken does not tell which one matched.
        return given.map((g) => secretsMatch(g, expected)).includes(true);
      },
      parse(body) {
        const parsed = webhookSchema.safeParse(body);
        if (!parsed.success) throw invalidPayload(parsed.error);
        if (!INCIDENT_EVENT_TYPES.has(parsed.data.event.event_type)) return { alerts: [] };
        const incident = incidentWebhookSchema.safeParse(body);
        if (!incident.success) throw invalidPayload(incident.error);
        const { event_type: type, occurred_at: occurredAt, data } = incident.data.event;
        return { alerts: [toAlert(type, occurredAt, data)] };
      },
    },
    routes,
    features,
    services,
  );
}
