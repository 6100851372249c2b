import { z } from 'zod';
import type { RouteTable } from '../incidents/routing.ts';
import { alertSource, compactId, epochMillis } from './alert-source.ts';
import { tokenMatches } from '../auth/secrets.ts';
import type { Source } from './source.ts';
import { invalidPayload } from '../errors.ts';
import type { ServiceList } from '../incidents/service-name.ts';

/**
 * Datadog's Webhooks integration, with the payload template docs/sources.md gives to paste (Datadog
 * fills in `$ALERT_ID`, `$ALERT_TRANSITION`, `$ALERT_SCOPE`, `$TAGS`, `$ALERT_PRIORITY`, `$DATE`).
 * Datadog sends `DATADOG_TOKEN` as a bearer token from the webhook's custom headers.
 */

/** The payload to paste into the Datadog webhook; docs/sources.md shows the same text. */
export const DATADOG_PAYLOAD_TEMPLATE = {
  alert_id: '$ALERT_ID',
  transition: '$ALERT_TRANSITION',
  scope: '$ALERT_SCOPE',
  tags: '$TAGS',
  priority: '$ALERT_PRIORITY',
  date: '$DATE',
};

const FIRING = ['triggered', 're-triggered', 'renotify'];
const RESOLVED = ['recovered'];
// A warning or a gap in data is not an outage followers should hear about by itself.
const IGNORED = ['warn', 're-warn', 'no data', 're-no data', 'null'];
const TRANSITIONS = [...FIRING, ...RESOLVED, ...IGNORED];

/** The body the Datadog payload template gives, as herald checks it (also the OpenAPI document's). */
export const datadogSchema = z.object({
  alert_id: z.union([z.string().regex(/^\d{1,20}$/, 'the monitor id ($ALERT_ID), digits only'), z.number().int().nonnegative()]).transform(String),
  transition: z
    .string()
    .refine((t) => TRANSITIONS.includes(t.toLowerCase()), 'one of Triggered, Re-Triggered, Renotify, Recovered, Warn, Re-Warn, No Data, Re-No Data ($ALERT_TRANSITION)'),
  scope: z.string().max(4096).default(''),
  tags: z.string().max(16384).default(''),
  priority: z.string().max(32).default(''),
  date: epochMillis,
});

/** `key:value, key2:value2, bare` (Datadog's `$TAGS` and `$ALERT_SCOPE`) as labels; a bare tag has an empty value. */
export function parseTags(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const raw of text.split(',')) {
    const tag = raw.trim();
    if (!tag || tag === '*') continue;
    const colon = tag.indexOf(':');
    if (colon < 0) labels[tag] = '';
    else labels[tag.slice(0, colon)] = tag.slice(colon + 1);
  }
  return labels;
}

export function datadogSource(token: string | undefined, routes: RouteTable | undefined, features?: readonly string[], services?: ServiceList): Source {
  return alertSource(
    {
      name: 'datadog',
      secret: token,
      authenticate: tokenMatches,
      parse(body) {
        const parsed = datadogSchema.safeParse(body);
        if (!parsed.success) throw invalidPayload(parsed.error);
        const p = parsed.data;
        const transition = p.transition.toLowerCase();
        if (IGNORED.includes(transition)) return { alerts: [] };
        const scope = parseTags(p.scope);
        const group = Object.keys(scope)
          .sort()
          .map((k) => `${k}:${scope[k]}`)
          .join(',');
        const labels = { ...parseTags(p.tags), ...scope, datadog_monitor_id: p.alert_id, ...(p.priority ? { priority: p.priority } : {}) };
        // A multi-alert monitor notifies once per group: each group is its own alert.
        const id = compactId(group ? `${p.alert_id}/${group}` : p.alert_id);
        return { alerts: [{ source: 'datadog', id, status: FIRING.includes(transition) ? 'firing' : 'resolved', labels, at: p.date }] };
      },
    },
    routes,
    features,
    services,
  );
}
