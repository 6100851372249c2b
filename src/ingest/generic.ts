import { z } from 'zod';
import { EVENT_STATUSES, FEATURES, SEVERITIES } from '../incidents/model.ts';
import { publicServiceName } from '../incidents/service-name.ts';
import { bearerToken, header, hmacHex, secretMatcher, secretsMatch, timestampFresh } from './auth.ts';
import { invalidPayload } from './validation.ts';
import { normalizeIsoTime } from './iso-time.ts';
import type { Source } from './source.ts';

/** herald's own format, for any system that can send JSON with a bearer token. */
export const genericEventSchema = z
  .object({
    key: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[\w.~-]+$/, 'letters, digits and . _ ~ - only'),
    status: z.enum(EVENT_STATUSES),
    service: publicServiceName,
    feature: z.enum(FEATURES),
    severity: z.enum(SEVERITIES),
    at: z
      .string()
      .transform((s, ctx) => {
        const normalized = normalizeIsoTime(s);
        if (normalized) return normalized;
        ctx.addIssue({ code: 'custom', message: 'an ISO-8601 time with an offset, such as 2026-05-20T00:00:00+09:00' });
        return z.NEVER;
      })
      .optional(),
  })
  .strict();

/** Optional request signing for the generic webhook (README: "Generic webhook"). */
export const GENERIC_SIGNATURE_HEADER = 'x-herald-signature';
export const GENERIC_TIMESTAMP_HEADER = 'x-herald-timestamp';

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`, the value of the signature header. */
export const signGeneric = (secret: string, timestamp: string, body: string): string => `sha256=${hmacHex(secret, `${timestamp}.${body}`)}`;

/**
 * The spine's format. A sender proves itself with the bearer token, or (when `hmacSecret` is set)
 * with a signature over the timestamp and the body; a signature that is sent must be right and at
 * most five minutes old, so a captured request cannot be replayed later.
 */
export function genericSource(token: string | undefined, hmacSecret?: string): Source {
  const tokenMatches = secretMatcher(token);
  return {
    name: 'generic',
    strictTimes: true,
    enabled: token !== undefined || hmacSecret !== undefined,
    authenticate: (headers) =>
      tokenMatches(bearerToken(headers)) || (hmacSecret !== undefined && header(headers, GENERIC_SIGNATURE_HEADER) !== undefined),
    verifyBody(headers, rawBody, nowMs) {
      const signature = header(headers, GENERIC_SIGNATURE_HEADER);
      // No secret: the bearer token already let it in and a signature means nothing here.
      if (signature === undefined || hmacSecret === undefined) return true;
      const timestamp = header(headers, GENERIC_TIMESTAMP_HEADER);
      if (timestamp === undefined || !timestampFresh(timestamp, nowMs)) return false;
      return secretsMatch(signature, signGeneric(hmacSecret, timestamp, rawBody));
    },
    normalize(body, receivedAt) {
      const parsed = genericEventSchema.safeParse(body);
      if (!parsed.success) throw invalidPayload(parsed.error);
      const e = parsed.data;
      const at = e.at ?? receivedAt;
      return { events: [{ key: e.key, status: e.status, service: e.service, feature: e.feature, severity: e.severity, at, source: 'generic', receivedAt }], unrouted: [] };
    },
  };
}
