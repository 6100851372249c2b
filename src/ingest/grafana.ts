import { z } from 'zod';
import type { RouteTable } from '../incidents/routing.ts';
import { promAlerts, promGroupFields, PROM_BODY_LIMIT_BYTES } from './alertmanager.ts';
import { alertSource } from './alert-source.ts';
import { secretsMatch, tokenMatches } from '../auth/secrets.ts';
import { header, hmacHex, REPLAY_WINDOW_MS, timestampFresh } from '../auth/signing.ts';
import type { Source } from './source.ts';

/** A Grafana group signed without a token is read only this far before its signature is checked. */
const GRAFANA_SIGNED_BODY_LIMIT_BYTES = 1024 * 1024;
import { invalidPayload } from '../errors.ts';
import type { ServiceList } from '../incidents/service-name.ts';

/**
 * Grafana unified alerting's webhook contact point: Alertmanager's group notification plus
 * `orgId`, `state`, `title`, `message`, and a fingerprint on every alert. Grafana proves itself
 * with `GRAFANA_TOKEN` as a bearer token or basic-auth password, or by signing the body with it
 * (the contact point's "HMAC signature" setting, hex HMAC-SHA256 in `X-Grafana-Alerting-Signature`,
 * over `<timestamp>:<body>` when a timestamp header is configured).
 */

export const GRAFANA_SIGNATURE_HEADER = 'x-grafana-alerting-signature';
/** The timestamp header docs/sources.md tells people to configure (Grafana has no default name). */
export const GRAFANA_TIMESTAMP_HEADER = 'x-grafana-alerting-timestamp';

/** The body Grafana posts, as herald checks it (also the OpenAPI document's). */
export const grafanaSchema = z.object({
  ...promGroupFields,
  orgId: z.number().int().optional(),
  alerts: z.array(promGroupFields.alerts.element.extend({ fingerprint: z.string().min(1).max(512) })),
});

export function signGrafana(secret: string, body: string, timestamp?: string): string {
  return hmacHex(secret, timestamp === undefined ? body : `${timestamp}:${body}`);
}

export function grafanaSource(token: string | undefined, routes: RouteTable | undefined, features?: readonly string[], services?: ServiceList): Source {
  return alertSource(
    {
      name: 'grafana',
      secret: token,
      bodyLimit: PROM_BODY_LIMIT_BYTES,
      authenticate: (headers, secret) => tokenMatches(headers, secret) || header(headers, GRAFANA_SIGNATURE_HEADER) !== undefined,
      signatureOnly: (headers) => !tokenMatches(headers, token) && header(headers, GRAFANA_SIGNATURE_HEADER) !== undefined,
      signedBodyLimit: GRAFANA_SIGNED_BODY_LIMIT_BYTES,
      // A signature over a timestamp is fresh for the replay window either side of now: remembered
      // that long, a second delivery of it is a replay. Without a timestamp the same group sent
      // again on Grafana's repeat interval carries the same signature, so it cannot be told apart.
      replayId: (headers) => {
        const signature = header(headers, GRAFANA_SIGNATURE_HEADER);
        return signature !== undefined && header(headers, GRAFANA_TIMESTAMP_HEADER) !== undefined ? { id: `grafana:${signature.toLowerCase()}`, ttlMs: 2 * REPLAY_WINDOW_MS } : undefined;
      },
      verifyBody(headers, rawBody, nowMs, secret) {
        const signature = header(headers, GRAFANA_SIGNATURE_HEADER);
        if (signature === undefined) return true; // the token let it in
        const timestamp = header(headers, GRAFANA_TIMESTAMP_HEADER);
        if (timestamp !== undefined && !timestampFresh(timestamp, nowMs)) return false;
        return secretsMatch(signature.toLowerCase(), signGrafana(secret, rawBody, timestamp));
      },
      parse(body, receivedAt) {
        const parsed = grafanaSchema.safeParse(body);
        if (!parsed.success) throw invalidPayload(parsed.error);
        return { alerts: promAlerts('grafana', parsed.data.alerts, receivedAt), truncated: parsed.data.truncatedAlerts };
      },
    },
    routes,
    features,
    services,
  );
}
