import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

const sha256 = (text: string) => createHash('sha256').update(text).digest();

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
