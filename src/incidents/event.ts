/**
 * The event contract: what an event must hold to reach an incident, whichever way it comes (a
 * webhook source, the queue, the preview, the console's by-hand incidents). It lives here, beside
 * the model it feeds, so the sources, the incident worker and the preview all read the same rules
 * and none of them has to import another's adapter.
 */
import { DateTime } from 'luxon';
import { z } from 'zod';
import { InvalidPayload, invalidPayload } from '../errors.ts';
import { implausibleTime, type TimeBounds } from './event-times.ts';
import { factsShape, featureName } from './impacts.ts';
import { EVENT_STATUSES, SEVERITIES, type IncomingEvent } from './model.ts';
import { publicServiceName } from './service-name.ts';

/** herald's own event format (the generic webhook's body, the preview's events): the fields. */
export const eventFields = z
  .object({
    key: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[\w.~-]+$/, 'letters, digits and . _ ~ - only'),
    status: z.enum(EVENT_STATUSES),
    service: publicServiceName,
    // `impacts` may stand instead of `feature`: the first impact is then the feature.
    feature: featureName.optional(),
    severity: z.enum(SEVERITIES),
    ...factsShape,
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

const fields = eventFields.shape;

type NamesAFeature = { feature?: string | undefined; impacts?: readonly { feature: string }[] | undefined };

/**
 * `schema` with the rule every sender of herald's own format meets: `feature` or `impacts` (or
 * both), the feature then being the first impact's. One rule for the webhook, the preview and its
 * scenarios, so the preview accepts exactly what the webhook accepts.
 */
export function namingTheFeature<T extends NamesAFeature>(schema: z.ZodType<T>) {
  return (
    schema
      // Checked even when other fields are bad, so a 400 names every problem at once.
      .refine((e) => e.feature !== undefined || e.impacts !== undefined, { path: ['feature'], message: 'name the feature, or the impacts', when: (p) => typeof p.value === 'object' && p.value !== null })
      .transform(({ feature, ...rest }) => ({ ...rest, feature: feature ?? rest.impacts![0]!.feature }))
  );
}

/** A whole event as checked (the preview's, its scenarios'): the fields, and the feature named one way or the other. */
export const eventSchema = namingTheFeature(eventFields);

/**
 * The names of an incident that a resolve or update may leave out: the incident it names knows
 * them, and the incident worker reads them from it (`completeEvent` in rules.ts).
 */
export const incomingEventFields = eventFields.partial({ service: true, severity: true });

/** Whether an event must name everything: an `open` (and anything whose status is not one herald knows, so a 400 names every problem). */
const opens = (e: { status?: unknown }): boolean => e.status !== 'update' && e.status !== 'resolved';
const isObject = (p: { value: unknown }) => typeof p.value === 'object' && p.value !== null;

type MayNameLittle = NamesAFeature & { status: string; service?: string | undefined; severity?: string | undefined };

/**
 * `schema` with the rule for an event that may name little: an `open` names the service, the
 * severity and the feature (or impacts), whatever else may leave them to its incident. One rule
 * for the webhook and the preview's scenarios, which accept the same events.
 */
export function namingAnOpen<T extends MayNameLittle>(schema: z.ZodType<T>) {
  return schema
    .refine((e) => !opens(e) || e.service !== undefined, { path: ['service'], message: 'an open names the service', when: isObject })
    .refine((e) => !opens(e) || e.severity !== undefined, { path: ['severity'], message: 'an open names the severity', when: isObject })
    .refine((e) => !opens(e) || e.feature !== undefined || e.impacts !== undefined, { path: ['feature'], message: 'name the feature, or the impacts', when: isObject })
    .transform(({ feature, ...rest }) => ({ ...rest, feature: feature ?? rest.impacts?.[0]?.feature }));
}

/**
 * The generic webhook's body: an `open` names the service, the severity and the feature (or the
 * impacts); a `resolved` or `update` may bring only `key` and `status` (and `at`), whatever else it
 * names replacing what the incident holds. Each rule is checked even when other fields are bad, so
 * a 400 names every problem at once.
 */
export const incomingEventSchema = namingAnOpen(incomingEventFields).meta({
    description:
      'An `open` names `service`, `severity` and `feature` (or `impacts`, whose first is then the feature). A `resolved` or `update` of an incident herald knows may bring only `key` and `status`: what it leaves out is read from the incident.',
  });

/**
 * Every producer of the events queue: the webhook routes (ingest/sources.ts, whose names the type
 * keeps in step). herald's own sources (`console`, `maintenance`, `follow-up`...) never go through
 * the queue, and approval rules trust some of them, so a queued job may not claim one.
 */
export const QUEUE_SOURCES = ['generic', 'alertmanager', 'grafana', 'pagerduty', 'datadog'] as const;
export type QueueSource = (typeof QUEUE_SOURCES)[number];

/**
 * An event as it sits in the events queue: the fields ingest checked, with the same rules (service
 * names fit for a public tweet, known features and severities). The incident worker checks every
 * job against it, so a job that did not come through a webhook (added in Bull Board, or straight
 * into Redis) cannot carry what a webhook would refuse.
 */
export const queuedEventSchema = z
  .object({
    // Keys made from service names (incidents/routing.ts) may hold any letter, not only ASCII.
    key: z.string().min(1).max(200).regex(/^[\p{L}\p{N}_.~-]+$/u, 'letters, digits and . _ ~ - only'),
    status: fields.status,
    // An open carries all three (checked below); a resolve or update may leave them to its incident.
    service: fields.service.optional(),
    feature: fields.feature,
    severity: fields.severity.optional(),
    impacts: fields.impacts,
    scope: fields.scope,
    phase: fields.phase,
    dataSafety: fields.dataSafety,
    at: fields.at.unwrap(),
    source: z.enum(QUEUE_SOURCES),
    receivedAt: z.iso.datetime({ offset: true }),
    // Ids are what monitoring tools send (a fingerprint, tags, a rule name): never shown, so only bounded.
    alertId: z.string().min(1).max(2000).optional(),
    // Set by ingest's flood gate: it only ever takes a post away from the budget's reserve.
    flood: z.literal(true).optional(),
  })
  .strict()
  .refine((e) => e.status !== 'open' || (e.service !== undefined && e.feature !== undefined && e.severity !== undefined), {
    path: ['status'],
    message: 'an open names service, feature and severity',
  });

/**
 * The event when it is one a webhook could have accepted; otherwise the problems, field by field.
 * Its times get the webhook's bounds: `at` near `receivedAt`, and `receivedAt` itself near `nowMs`
 * (within the same bounds), so a job written straight into Redis cannot date itself back to 1971.
 */
export function checkQueuedEvent(data: unknown, bounds: TimeBounds, nowMs: number): { event: IncomingEvent } | { problem: InvalidPayload } {
  const parsed = queuedEventSchema.safeParse(data);
  if (!parsed.success) return { problem: invalidPayload(parsed.error, 'the queued event') };
  const event = parsed.data;
  // Both times are checked ISO times by now, so naming them in the problem shows no sender's text.
  const arrival = implausibleTime(event.receivedAt, new Date(nowMs).toISOString(), bounds);
  const start = implausibleTime(event.at, event.receivedAt, bounds);
  const problems = [...(arrival ? [`receivedAt: ${arrival}`] : []), ...(start ? [`at: ${start}`] : [])];
  return problems.length > 0 ? { problem: new InvalidPayload('the queued event is not valid', problems) } : { event };
}

/**
 * Normalizes an ISO-8601 time that carries an offset (`2026-05-20T00:00:00+09:00`) to the form
 * luxon's `toISO()` gives (`2026-05-20T00:00:00.000+09:00`), keeping the sender's offset; undefined
 * when it is not such a time. The common shape is handled here directly, since luxon's parser was
 * the largest cost of herald's own code on the webhook path (docs/benchmarks.md); every other shape
 * ISO-8601 allows goes to luxon, so what is accepted and what comes out do not change.
 */
export function normalizeIsoTime(text: string): string | undefined {
  return fastPath(text) ?? viaLuxon(text);
}

const COMMON = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,3}))?(Z|[+-](\d\d):(\d\d))$/;
const OFFSET_AT_END = /([+-]\d\d:?\d\d|Z)$/;

function fastPath(text: string): string | undefined {
  const m = COMMON.exec(text);
  if (!m) return undefined;
  const [, year, month, day, hour, minute, second, fraction, offset, offsetHours, offsetMinutes] = m;
  const y = Number(year);
  const mo = Number(month);
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  const inRange =
    mo >= 1 && mo <= 12 && Number(day) >= 1 && Number(day) <= daysInMonth &&
    Number(hour) <= 23 && Number(minute) <= 59 && Number(second) <= 59 &&
    // luxon writes a zero offset as Z and has its own rules for the edges: let it decide those.
    (offset === 'Z' || (Number(offsetHours) <= 23 && Number(offsetMinutes) <= 59 && !/^[+-]00:00$/.test(offset!)));
  // Years before 100 are odd in Date.UTC; luxon handles them.
  if (!inRange || y < 100) return undefined;
  return `${year}-${month}-${day}T${hour}:${minute}:${second}.${(fraction ?? '').padEnd(3, '0')}${offset}`;
}

function viaLuxon(text: string): string | undefined {
  if (!OFFSET_AT_END.test(text)) return undefined;
  const parsed = DateTime.fromISO(text, { setZone: true });
  return parsed.isValid ? parsed.toISO()! : undefined;
}
