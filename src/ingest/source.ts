import type { IncomingHttpHeaders } from 'node:http';
import type { IncomingEvent } from '../incidents/model.ts';
import type { UnroutedAlert } from '../incidents/routing.ts';

/** What one webhook delivered, once verified and normalized. */
export interface Intake {
  /** Events for incidents, enqueued together. */
  events: IncomingEvent[];
  /** Alerts that are not public (see incidents/routing.ts): recorded for people, never tweeted. */
  unrouted: UnroutedAlert[];
  /** Alerts the sender says it left out of this payload (Alertmanager's `truncatedAlerts`). */
  truncated?: number;
}

/**
 * One monitoring tool's webhook. Each source file does three things and nothing else: verify the
 * sender, normalize its payload into `IncomingEvent`s, and hand them over (the route does that).
 */
export interface Source {
  /** Route name: `POST /webhooks/<name>`. */
  name: string;
  /** False when its secret is unset: the route then answers 404 rather than accept unsigned input. */
  enabled: boolean;
  /**
   * Checked before the body is read, so an unauthenticated sender learns nothing about parsing. A
   * source signed over its body passes here when the signature header is present; `verifyBody`
   * then decides.
   */
  authenticate(headers: IncomingHttpHeaders): boolean;
  /** Checks that need the exact bytes (HMAC signatures); absent when the token suffices. */
  verifyBody?(headers: IncomingHttpHeaders, rawBody: string, nowMs: number): boolean;
  /** Throws `InvalidPayload` naming every bad field. May return no events (an ignored event type). */
  normalize(body: unknown, receivedAt: string): Intake;
  /**
   * herald's own format: its sender can be told, so an implausible `at` is refused (400) rather
   * than replaced by the arrival time (see time-bounds.ts).
   */
  strictTimes?: boolean;
  /** Largest body accepted, in bytes, when a tool's payloads are larger than the server default. */
  bodyLimit?: number;
  /**
   * True when the request has shown nothing but a signature over its body (no token): the body is
   * then read only up to `signedBodyLimit`, since nobody is known before it is checked.
   */
  signatureOnly?(headers: IncomingHttpHeaders): boolean;
  signedBodyLimit?: number;
  /** What identifies a signed delivery, for the replay cache, and how long it is remembered; undefined: nothing to remember. */
  replayId?(headers: IncomingHttpHeaders, body: unknown): { id: string; ttlMs: number } | undefined;
}

/** Thrown by `normalize`; defined with the other coded errors in src/errors.ts. */
export { InvalidPayload } from '../errors.ts';

/** Signed bodies are small (one event); a Grafana group signed without a token may be larger. */
export const SIGNED_BODY_LIMIT_BYTES = 64 * 1024;
