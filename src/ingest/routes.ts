import type { FastifyInstance } from 'fastify';
import type { Queue } from 'bullmq';
import { HeraldError, InvalidPayload, NotReplicatedError } from '../errors.ts';
import type { IncomingEvent } from '../incidents/model.ts';
import type { ReplicaWait } from '../redis/replicas.ts';
import type { UnroutedLog } from '../incidents/adapters/unrouted-store.ts';
import { gateEvents, NO_FLOOD, type FloodVerdict } from '../incidents/flood-rules.ts';
import type { UnroutedAlert } from '../incidents/routing.ts';
import { eventJobId } from '../queues.ts';
import { BODY_LIMIT_BYTES } from '../server.ts';
import { limitBody } from './body-limit.ts';
import type { ReplayCache } from './replay-cache.ts';
import type { Intake, Source } from './source.ts';
import { boundTimes } from './time-bounds.ts';
import { DEFAULT_TIME_BOUNDS, implausibleTime, type TimeBounds } from '../incidents/event-times.ts';

export interface IngestDeps {
  sources: Source[];
  events: Queue<IncomingEvent>;
  /** Where alerts kept from the public are recorded; without it they are only counted in the answer. */
  unrouted?: UnroutedLog;
  now?: () => Date;
  /** How far `at` may lie from the arrival time (time-bounds.ts). */
  timeBounds?: TimeBounds;
  /** 413 beyond these (HERALD_MAX_ALERTS_PER_PAYLOAD, HERALD_MAX_FIRING_ALERTS_PER_INCIDENT). */
  limits?: { alertsPerPayload: number; firingAlertsPerIncident: number };
  /** Alerts firing in an incident, and how many of these ids would be new ones, for the per-incident cap. */
  firingAlerts?: (key: string, alertIds: readonly string[]) => Promise<{ firing: number; fresh: number }>;
  /**
   * The cap on new public incidents per source per minute (incidents/adapters/flood-gate.ts): which
   * keys are held from the public, which open in a flood, and the held alerts for `unrouted`.
   */
  flood?: { admit(source: string, events: readonly IncomingEvent[], nowMs: number): Promise<{ verdict: FloodVerdict; held: UnroutedAlert[] }> };
  /** Signed deliveries seen recently: a replay is refused (409). */
  replays?: ReplayCache;
  /**
   * Where Redis has replicas: 202 only once they hold the events (the connection that wrote them
   * is the one asked), so a failover cannot erase an event herald called accepted.
   */
  replicas?: { wait: ReplicaWait; key: string };
}

/** Alerts in a parsed payload before any schema looks at them: Alertmanager and Grafana groups carry many. */
function alertsIn(body: unknown): number {
  const alerts = (body as { alerts?: unknown } | null | undefined)?.alerts;
  return Array.isArray(alerts) ? alerts.length : 1;
}

/** The incident that the events would take past the cap of firing alerts, if any. */
async function overFiringCap(deps: IngestDeps, events: readonly IncomingEvent[]): Promise<string | undefined> {
  if (!deps.limits || !deps.firingAlerts) return undefined;
  const firingIds = new Map<string, string[]>();
  for (const e of events) if (e.alertId && e.status !== 'resolved') firingIds.set(e.key, [...(firingIds.get(e.key) ?? []), e.alertId]);
  for (const [key, ids] of firingIds) {
    const { firing, fresh } = await deps.firingAlerts(key, ids);
    if (fresh > 0 && firing + fresh > deps.limits.firingAlertsPerIncident) return key;
  }
  return undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: string;
  }
}

/**
 * A lone event (the usual case) goes in with `add`: `addBulk` builds an ioredis pipeline per call,
 * which copies every BullMQ script onto it and cost more than the add itself (docs/benchmarks.md).
 */
async function enqueue(queue: Queue<IncomingEvent>, events: IncomingEvent[], ids: string[]): Promise<void> {
  const [only] = events;
  if (events.length === 1 && only) await queue.add(only.status, only, { jobId: ids[0] });
  else if (events.length > 1) await queue.addBulk(events.map((event, i) => ({ name: event.status, data: event, opts: { jobId: ids[i] } })));
}

/**
 * `POST /webhooks/<source>`: verify, normalize, then enqueue every event (and record the alerts
 * kept from the public) before answering 202, so an accepted event is already durable in Redis.
 * Any refusal writes nothing, and is a coded error (src/errors.ts) the one error handler answers.
 */
export async function ingestRoutes(app: FastifyInstance, deps: IngestDeps): Promise<void> {
  const now = deps.now ?? (() => new Date());
  // Bodies are kept as text and parsed in the handler, after a signature over the exact bytes is
  // checked: a forged request gets 401 whatever it contains. Any content type is read as JSON,
  // since monitoring tools label it in different ways. (Encapsulated: other routes keep theirs.)
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    request.rawBody = body as string;
    done(null, body);
  });

  for (const source of deps.sources) {
    app.post(
      `/webhooks/${source.name}`,
      {
        bodyLimit: source.bodyLimit,
        onRequest: async (request) => {
          if (!source.enabled) throw new HeraldError('HERALD_NOT_FOUND', `the ${source.name} webhook is not configured on this herald`);
          if (!source.authenticate(request.headers)) throw new HeraldError('HERALD_UNAUTHENTICATED', 'missing or wrong credentials for this webhook');
        },
        // A token is checked before the body is read (above); a signature only after, so a body that
        // brings nothing but a signature is read only so far.
        preParsing: async (request, _reply, payload) =>
          source.signatureOnly?.(request.headers)
            ? limitBody(payload, request.headers['content-length'], source.signedBodyLimit ?? BODY_LIMIT_BYTES, `${source.name} requests that bring only a signature`)
            : payload,
      },
      async (request, reply) => {
        const raw = request.rawBody ?? '';
        if (source.verifyBody && !source.verifyBody(request.headers, raw, now().getTime())) {
          throw new HeraldError('HERALD_UNAUTHENTICATED', 'the signature does not match the body, or its timestamp is too old');
        }
        let body: unknown;
        try {
          body = raw.length === 0 ? undefined : JSON.parse(raw);
        } catch (err) {
          throw new InvalidPayload(`the body is not valid JSON: ${(err as Error).message}`, []);
        }
        const max = deps.limits?.alertsPerPayload;
        if (max !== undefined && alertsIn(body) > max) {
          throw new HeraldError('HERALD_TOO_LARGE', `this payload carries ${alertsIn(body)} alerts; herald takes at most ${max} per payload (HERALD_MAX_ALERTS_PER_PAYLOAD)`, {
            details: [`alerts: set max_alerts in Alertmanager's webhook_config to ${max} or less; it then sends the first ${max} and says how many it left out`],
          });
        }
        const intake: Intake = source.normalize(body, now().toISOString());
        const bounds = deps.timeBounds ?? DEFAULT_TIME_BOUNDS;
        if (source.strictTimes) {
          const wrong = intake.events.map((e) => implausibleTime(e.at, e.receivedAt, bounds)).find((why) => why !== undefined);
          if (wrong) throw new InvalidPayload('the payload is not valid', [`at: ${wrong}`]);
        }
        // A source held to strict times has just been checked: nothing of it would be replaced.
        const { events, replaced } = source.strictTimes ? { events: intake.events, replaced: [] } : boundTimes(intake.events, bounds);
        if (replaced.length > 0) request.log.warn({ source: source.name, replaced }, "an event's time was implausible; its arrival time is used instead");
        const { unrouted } = intake;
        const overCap = await overFiringCap(deps, events);
        if (overCap) {
          const cap = deps.limits!.firingAlertsPerIncident;
          throw new HeraldError('HERALD_TOO_LARGE', `incident ${overCap} would have more than ${cap} firing alerts (HERALD_MAX_FIRING_ALERTS_PER_INCIDENT); nothing was accepted`);
        }
        const replay = deps.replays && source.replayId?.(request.headers, body);
        if (replay && !(await deps.replays!.claim(replay.id, replay.ttlMs))) {
          request.log.warn({ source: source.name }, 'signed delivery refused: seen before (replay)');
          throw new HeraldError('HERALD_REPLAYED', 'this signed delivery was already received; a replay is not accepted again', {
            details: ['send a new request with a new signature (and timestamp) or, for PagerDuty, a new event id'],
          });
        }
        // Ids from the sender's own times: a redelivery whose time was replaced is still a repeat.
        let accepted = { events, ids: intake.events.map(eventJobId) };
        let held: UnroutedAlert[] = [];
        try {
          if (deps.flood) {
            const flood = await deps.flood.admit(source.name, events, now().getTime());
            if (flood.held.length > 0 || flood.verdict.flood.size > 0) accepted = gateEvents(events, accepted.ids, flood.verdict);
            held = flood.held;
          }
          const queued = enqueue(deps.events, accepted.events, accepted.ids);
          const kept = held.length > 0 ? [...unrouted, ...held] : unrouted;
          await (kept.length > 0 ? Promise.all([queued, deps.unrouted?.record(kept)]) : queued);
          const confirmation = deps.replicas && (await deps.replicas.wait.confirm(deps.replicas.key));
          if (confirmation && !confirmation.ok) throw new NotReplicatedError(confirmation.wanted, confirmation.acked);
        } catch (err) {
          // Not accepted after all: the sender retries with the same signature, which must then pass.
          if (replay) await deps.replays!.release(replay.id).catch(() => undefined);
          throw err;
        }
        const first = accepted.events[0];
        const alone = accepted.events.length === 1 && first !== undefined && unrouted.length === 0 && held.length === 0;
        const incidents = alone ? [first.key] : [...new Set(accepted.events.map((e) => e.key))];
        // herald_webhooks_total counts every answer; a line per webhook at info cost a write to
        // the log for each of thousands in a storm (docs/benchmarks.md). What is worth a person's
        // eye (alerts kept from the public, a payload cut short) stays at info; a flood is logged
        // once a minute by the gate, not here.
        const level = unrouted.length > 0 || intake.truncated ? 'info' : 'debug';
        if (level === 'info' || request.log.level === 'debug' || request.log.level === 'trace') {
          request.log[level](
            { source: source.name, events: accepted.events.length, ...(incidents.length === 1 && { incident: incidents[0] }), unrouted: unrouted.length, held: held.length, truncated: intake.truncated, incidents: incidents.slice(0, 10) },
            'webhook accepted',
          );
        }
        return reply.code(202).send(
          alone
            ? { incident: first.key, status: first.status }
            : {
                accepted: accepted.events.length,
                incidents,
                unrouted: unrouted.length + held.length,
                ...(held.length > 0 && { held: held.length }),
                ...(intake.truncated ? { truncated: intake.truncated } : {}),
              },
        );
      },
    );
  }
}
