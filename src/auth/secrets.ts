import { hash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Secrets compared in constant time, and the tokens and passwords requests carry: what every
 * credential check (the webhooks' tokens, the API and metrics tokens) is built on.
 */

// One-shot `hash` costs about half of a `createHash` object per call: it runs on every webhook.
const sha256 = (text: string): Buffer => hash('sha256', text, 'buffer') as unknown as Buffer;

/** Constant-time comparison; hashing first makes inputs of any length comparable. */
export function secretsMatch(given: string | undefined, expected: string | undefined): boolean {
  return secretMatcher(expected)(given);
}

/** `secretsMatch` against one fixed secret, hashed once instead of on every request. */
export function secretMatcher(expected: string | undefined): (given: string | undefined) => boolean {
  if (expected === undefined || expected === '') return () => false;
  const digest = sha256(expected);
  return (given) => given !== undefined && timingSafeEqual(sha256(given), digest);
}

/** The token of an `Authorization: Bearer <token>` header, if that is what was sent. */
export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '');
  return match?.[1]?.trim();
}

/** The password of an `Authorization: Basic` header (the user name is not checked). */
export function basicPassword(headers: IncomingHttpHeaders): string | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(headers.authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}

/** A bearer token or a basic-auth password equal to `secret`: what monitoring tools' HTTP settings send. */
export function tokenMatches(headers: IncomingHttpHeaders, secret: string | undefined): boolean {
  return secretsMatch(bearerToken(headers), secret) || secretsMatch(basicPassword(headers), secret);
}
