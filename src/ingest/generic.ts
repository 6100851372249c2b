import { z } from 'zod';
import { EVENT_STATUSES, FEATURES, SEVERITIES, type AlertEvent } from '../incidents/model.ts';
import { bearerToken, secretMatcher } from './auth.ts';
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
    service: z
      .string()
      .trim()
      .min(1)
      .max(60)
      // Shown in public tweets: no @, #, dots or slashes that X would turn into mentions, tags or links.
      .regex(/^[\p{L}\p{N}][\p{L}\p{N} _&'()·-]*$/u, "letters, digits, spaces and _ & ' ( ) · - only"),
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

export function genericSource(token: string | undefined): Source {
  const tokenMatches = secretMatcher(token);
  return {
    name: 'generic',
    enabled: token !== undefined,
    authenticate: (headers) => tokenMatches(bearerToken(headers)),
    normalize(body, receivedAt): AlertEvent[] {
      const parsed = genericEventSchema.safeParse(body);
      if (!parsed.success) throw invalidPayload(parsed.error);
      const e = parsed.data;
      return [{ key: e.key, status: e.status, service: e.service, feature: e.feature, severity: e.severity, at: e.at ?? receivedAt, source: 'generic', receivedAt }];
    },
  };
}
