import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import { incomingEventFields, incomingEventSchema } from '../incidents/event.ts';
import { FEATURES, type IncomingEvent } from '../incidents/model.ts';
import { bearerToken, secretMatcher, secretsMatch } from '../auth/secrets.ts';
import { GENERIC_SIGNATURE_HEADER, GENERIC_TIMESTAMP_HEADER, header, REPLAY_WINDOW_MS, signGeneric, timestampFresh } from '../auth/signing.ts';
import { InvalidPayload, invalidPayload } from '../errors.ts';
import { undefinedFeatureDetails, undefinedFeatures } from '../incidents/impacts.ts';
import { serviceListed, unlistedServiceReason, type ServiceList } from '../incidents/service-name.ts';
import { SIGNED_BODY_LIMIT_BYTES, type Source } from './source.ts';

/** The body as checked: herald's own format (incidents/event.ts), whose resolve or update may name only its key. */
export const genericEventSchema = incomingEventSchema;

/**
 * The spine's format. A sender proves itself with the bearer token, or (when `hmacSecret` is set)
 * with a signature over the timestamp and the body; a signature that is sent must be right and at
 * most five minutes old, so a captured request cannot be replayed later.
 */
export function genericSource(token: string | undefined, hmacSecret?: string, features: readonly string[] = FEATURES, services?: ServiceList): Source {
  const tokenMatches = secretMatcher(token);
  const signed = (headers: IncomingHttpHeaders) => hmacSecret !== undefined && header(headers, GENERIC_SIGNATURE_HEADER) !== undefined;
  return {
    name: 'generic',
    strictTimes: true,
    enabled: token !== undefined || hmacSecret !== undefined,
    authenticate: (headers) => tokenMatches(bearerToken(headers)) || signed(headers),
    // The header first: a token-only request (the common case) is not hashed a second time.
    signatureOnly: (headers) => signed(headers) && !tokenMatches(bearerToken(headers)),
    signedBodyLimit: SIGNED_BODY_LIMIT_BYTES,
    // A signature is fresh for the replay window either side of now: remembered that long, twice.
    replayId: (headers) => (signed(headers) ? { id: `generic:${header(headers, GENERIC_SIGNATURE_HEADER)}`, ttlMs: 2 * REPLAY_WINDOW_MS } : undefined),
    verifyBody(headers, rawBody, nowMs) {
      const signature = header(headers, GENERIC_SIGNATURE_HEADER);
      // No secret: the bearer token already let it in and a signature means nothing here.
      if (signature === undefined || hmacSecret === undefined) return true;
      const timestamp = header(headers, GENERIC_TIMESTAMP_HEADER);
      if (timestamp === undefined || !timestampFresh(timestamp, nowMs)) return false;
      return secretsMatch(signature, signGeneric(hmacSecret, timestamp, rawBody));
    },
    normalize(body, receivedAt) {
      // The fields alone first: the cross-field rules and their transform cost as much again on every
      // webhook, and the whole schema is needed only to name every problem of a bad payload at once.
      const parsed = incomingEventFields.safeParse(body);
      const e = parsed.data;
      const feature = e?.feature ?? e?.impacts?.[0]?.feature;
      const namesTooLittle = e?.status === 'open' && (feature === undefined || e.service === undefined || e.severity === undefined);
      if (!e || namesTooLittle) throw invalidPayload(genericEventSchema.safeParse(body).error ?? new z.ZodError([]));
      // Features are data: one the catalog gives no words to could never be tweeted.
      if (undefinedFeatures(e, features).length > 0) throw new InvalidPayload('the payload is not valid', undefinedFeatureDetails(e, features));
      // A resolve or update may leave its incident's names out: the incident worker reads them from it.
      const event: IncomingEvent = { key: e.key, status: e.status, at: e.at ?? receivedAt, source: 'generic', receivedAt };
      if (e.service !== undefined) event.service = e.service;
      if (feature !== undefined) event.feature = feature;
      if (e.severity !== undefined) event.severity = e.severity;
      if (e.impacts !== undefined) event.impacts = e.impacts;
      if (e.scope !== undefined) event.scope = e.scope;
      if (e.phase !== undefined) event.phase = e.phase;
      if (e.dataSafety !== undefined) event.dataSafety = e.dataSafety;
      // A name the list does not pin is kept from the public as an unrouted alert is (202, counted, listed).
      // A key-only resolve or update names none: its incident's name passed this check when it opened.
      if (e.service !== undefined && !serviceListed(e.service, services)) {
        const labels = { service: e.service, ...(feature !== undefined && { feature }), ...(e.severity !== undefined && { severity: e.severity }) };
        const status = e.status === 'resolved' ? 'resolved' : 'firing';
        return { events: [], unrouted: [{ source: 'generic', alertId: `generic:${e.key}`, status, at: event.at, receivedAt, labels, reason: unlistedServiceReason(e.service), unlistedService: true }] };
      }
      return { events: [event], unrouted: [] };
    },
  };
}
