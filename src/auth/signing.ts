import { createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Request signing: HMAC-SHA256 over the exact bytes, fresh timestamps against replays, and
 * herald's own signature (the generic webhook checks it, staff-notice webhooks carry it).
 */

/** Hex HMAC-SHA256 of `data` under `secret`. */
export function hmacHex(secret: string, data: string): string {
  return createHmac('sha256', secret).update(data, 'utf8').digest('hex');
}

/** One header's value, or undefined when absent or sent more than once. */
export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** How old (or how far ahead) a signed timestamp may be: the replay window. */
export const REPLAY_WINDOW_MS = 5 * 60 * 1000;

/** A Unix timestamp header (seconds; milliseconds accepted) within the replay window of `nowMs`. */
export function timestampFresh(value: string, nowMs: number): boolean {
  if (!/^\d{1,16}$/.test(value)) return false;
  const n = Number(value);
  const ms = n > 1e11 ? n : n * 1000;
  return Math.abs(nowMs - ms) <= REPLAY_WINDOW_MS;
}

/** Optional request signing for the generic webhook (docs/sources.md: "Generic webhook with a signature"). */
export const GENERIC_SIGNATURE_HEADER = 'x-herald-signature';
export const GENERIC_TIMESTAMP_HEADER = 'x-herald-timestamp';

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`, the value of the signature header. */
export const signGeneric = (secret: string, timestamp: string, body: string): string => `sha256=${hmacHex(secret, `${timestamp}.${body}`)}`;
