import { z } from 'zod';
import type { RawAlert, RouteTable } from '../incidents/routing.ts';
import { alertSource, compactId, labelMap, labelsFingerprint, monitoringTime } from './alert-source.ts';
import { tokenMatches } from '../auth/secrets.ts';
import type { Source } from './source.ts';
import { invalidPayload } from '../errors.ts';
import type { ServiceList } from '../incidents/service-name.ts';

/**
 * Prometheus Alertmanager's `webhook_config` (payload version 4): one notification per alert group,
 * carrying every alert of the group, firing and resolved, and `truncatedAlerts` when `max_alerts`
 * cut the list. Alertmanager authenticates with its `http_config`: a bearer token
 * (`authorization.credentials`) or basic auth, whose password is `ALERTMANAGER_TOKEN`.
 */

/** One alert as Alertmanager and Grafana send it; Grafana adds fields herald does not need. */
export const promAlertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: labelMap,
  annotations: labelMap.optional(),
  startsAt: monitoringTime,
  endsAt: monitoringTime.optional(),
  fingerprint: z.string().min(1).max(512).optional(),
});

/** The group notification both tools send around their alerts. */
export const promGroupFields = {
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().optional(),
  groupKey: z.string().optional(),
  truncatedAlerts: z.number().int().min(0).optional(),
  alerts: z.array(promAlertSchema),
};

/** The body Alertmanager posts, as herald checks it (also the OpenAPI document's). */
export const alertmanagerSchema = z.object({
  version: z.literal('4', { error: 'herald reads Alertmanager webhook payload version "4"' }),
  ...promGroupFields,
});

/** Firing alerts count from `startsAt`, resolved ones from `endsAt` (a zero end is fixed by `plausibleTime`). */
export function promAlerts(source: RawAlert['source'], alerts: z.infer<typeof promAlertSchema>[], receivedAt: string): RawAlert[] {
  return alerts.map((a) => ({
    source,
    id: compactId(a.fingerprint ?? labelsFingerprint(a.labels)),
    status: a.status,
    labels: a.labels,
    at: a.status === 'firing' ? a.startsAt : (a.endsAt ?? receivedAt),
  }));
}

/** Large alert groups make large payloads; a storm must not be refused for its size. */
export const PROM_BODY_LIMIT_BYTES = 8 * 1024 * 1024;

export function alertmanagerSource(token: string | undefined, routes: RouteTable | undefined, features?: readonly string[], services?: ServiceList): Source {
  return alertSource(
    {
      name: 'alertmanager',
      secret: token,
      bodyLimit: PROM_BODY_LIMIT_BYTES,
      authenticate: tokenMatches,
      parse(body, receivedAt) {
        const parsed = alertmanagerSchema.safeParse(body);
        if (!parsed.success) throw invalidPayload(parsed.error);
        return { alerts: promAlerts('alertmanager', parsed.data.alerts, receivedAt), truncated: parsed.data.truncatedAlerts };
      },
    },
    routes,
    features,
    services,
  );
}
