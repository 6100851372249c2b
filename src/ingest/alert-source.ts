import { hash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { QueueSource } from '../incidents/event.ts';
import { routeAlerts, type RawAlert, type RouteTable } from '../incidents/routing.ts';
import type { ServiceList } from '../incidents/service-name.ts';
import type { Source } from './source.ts';

/**
 * What the monitoring-tool sources share: each source file verifies its sender and parses its
 * tool's payload into {@link RawAlert}s; routing (incidents/routing.ts) then decides what is public.
 */
export interface AlertSourceSpec {
  /** The route (`/webhooks/<name>`) and its events' `source`: one the events queue accepts. */
  name: QueueSource;
  /** The route's secret; unset turns the route off. */
  secret: string | undefined;
  authenticate(headers: IncomingHttpHeaders, secret: string): boolean;
  verifyBody?(headers: IncomingHttpHeaders, rawBody: string, nowMs: number, secret: string): boolean;
  /** Throws `InvalidPayload` naming every bad field. */
  parse(body: unknown, receivedAt: string): { alerts: RawAlert[]; truncated?: number };
  bodyLimit?: number;
  signatureOnly?: Source['signatureOnly'];
  signedBodyLimit?: number;
  replayId?: Source['replayId'];
}

/**
 * `features`: those the message catalog defines; an alert naming another stays out of public view,
 * as does one whose service `services` (when pinned) does not list.
 */
export function alertSource(spec: AlertSourceSpec, routes: RouteTable | undefined, features?: readonly string[], services?: ServiceList): Source {
  const secret = spec.secret ?? '';
  const verifyBody = spec.verifyBody;
  return {
    name: spec.name,
    enabled: spec.secret !== undefined,
    bodyLimit: spec.bodyLimit,
    signatureOnly: spec.signatureOnly,
    signedBodyLimit: spec.signedBodyLimit,
    replayId: spec.replayId,
    authenticate: (headers) => spec.secret !== undefined && spec.authenticate(headers, secret),
    verifyBody: verifyBody && ((headers, rawBody, nowMs) => verifyBody(headers, rawBody, nowMs, secret)),
    normalize(body, receivedAt) {
      const { alerts, truncated } = spec.parse(body, receivedAt);
      const timed = alerts.map((a) => ({ ...a, at: plausibleTime(a.at, receivedAt) }));
      return { ...routeAlerts(routes, timed, receivedAt, features, services), truncated };
    },
  };
}

/** A time as monitoring tools write it (RFC 3339, any precision), kept with its offset. */
export const monitoringTime = z
  .string()
  .max(64)
  .refine((s) => /([+-]\d\d:?\d\d|Z)$/i.test(s) && DateTime.fromISO(s, { setZone: true }).isValid, 'an RFC 3339 time with an offset')
  .transform((s) => DateTime.fromISO(s, { setZone: true }).toISO()!);

/** Epoch milliseconds (Datadog's `$DATE`), as a number or a string of digits. */
export const epochMillis = z
  .union([z.number().int().positive(), z.string().regex(/^\d{10,16}$/, 'epoch milliseconds, such as 1406662672000').transform(Number)])
  .refine((n) => Number.isSafeInteger(n) && n < 1e15, 'epoch milliseconds, such as 1406662672000')
  .transform((n) => new Date(n).toISOString());

/** A label or tag map: names to text. */
export const labelMap = z.record(z.string().max(1024), z.string().max(8192));

/** An id for an alert that a tool identifies only by its labels, the way Alertmanager fingerprints them. */
export function labelsFingerprint(labels: Readonly<Record<string, string>>): string {
  const canonical = Object.keys(labels)
    .sort()
    .map((k) => `${k}\u0000${labels[k]}`)
    .join('\u0001');
  return hash('sha256', canonical, 'hex').slice(0, 16);
}

/** Alert ids end up in Redis keys and job ids: long ones are shortened to a stable digest. */
export function compactId(id: string): string {
  return id.length <= 128 ? id : hash('sha256', id, 'hex').slice(0, 32);
}

/** How far ahead of herald's clock a monitoring time may be before it is taken as wrong. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * Tweets say "since <time>" and "lasted <duration>": a time before 1970 (Go's zero time) or far in
 * the future is a tool's mistake, and herald's own arrival time is the better guess.
 */
export function plausibleTime(at: string, receivedAt: string): string {
  const ms = Date.parse(at);
  return ms > 0 && ms <= Date.parse(receivedAt) + CLOCK_SKEW_MS ? at : receivedAt;
}
