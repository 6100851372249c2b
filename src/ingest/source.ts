import type { IncomingHttpHeaders } from 'node:http';
import type { AlertEvent } from '../incidents/model.ts';

/**
 * One monitoring tool's webhook. Each source file does three things and nothing else: verify the
 * sender, normalize its payload into `AlertEvent`s, and hand them over (the route does that).
 */
export interface Source {
  /** Route name: `POST /webhooks/<name>`. */
  name: string;
  /** False when its secret is unset: the route then answers 404 rather than accept unsigned input. */
  enabled: boolean;
  /** Checked before the body is read, so an unauthenticated sender learns nothing about parsing. */
  authenticate(headers: IncomingHttpHeaders): boolean;
  /** Checks that need the exact bytes (HMAC signatures); absent when the token suffices. */
  verifyBody?(headers: IncomingHttpHeaders, rawBody: string, nowMs: number): boolean;
  /** Throws `InvalidPayload` naming every bad field. May return no events (an ignored event type). */
  normalize(body: unknown, receivedAt: string): AlertEvent[];
}

export class InvalidPayload extends Error {
  override readonly name = 'InvalidPayload';
  constructor(
    message: string,
    readonly details: string[],
  ) {
    super(message);
  }
}
