import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Queue } from 'bullmq';
import type { AlertEvent } from '../incidents/model.ts';
import { eventJobId } from '../publish/queues.ts';
import { InvalidPayload, type Source } from './source.ts';

export interface IngestDeps {
  sources: Source[];
  events: Queue<AlertEvent>;
  now?: () => Date;
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
async function enqueue(queue: Queue<AlertEvent>, events: AlertEvent[]): Promise<void> {
  const [only] = events;
  if (events.length === 1 && only) await queue.add(only.status, only, { jobId: eventJobId(only) });
  else if (events.length > 1) await queue.addBulk(events.map((event) => ({ name: event.status, data: event, opts: { jobId: eventJobId(event) } })));
}

function problem(reply: FastifyReply, status: number, error: string, details: string[] = []) {
  return reply.code(status).send({ error, details });
}

/**
 * `POST /webhooks/<source>`: verify, normalize, then enqueue every event before answering 202, so
 * an accepted event is already durable in Redis. Any refusal enqueues nothing.
 */
export async function ingestRoutes(app: FastifyInstance, deps: IngestDeps): Promise<void> {
  const now = deps.now ?? (() => new Date());
  for (const source of deps.sources) {
    app.post(
      `/webhooks/${source.name}`,
      {
        onRequest: async (request, reply) => {
          if (!source.enabled) return problem(reply, 404, `the ${source.name} webhook is not configured on this herald`);
          if (!source.authenticate(request.headers)) return problem(reply, 401, 'missing or wrong credentials for this webhook');
        },
      },
      async (request, reply) => {
        if (source.verifyBody && !source.verifyBody(request.headers, request.rawBody ?? '', now().getTime())) {
          return problem(reply, 401, 'the signature does not match the body, or its timestamp is too old');
        }
        let events: AlertEvent[];
        try {
          events = source.normalize(request.body, now().toISOString());
        } catch (err) {
          if (err instanceof InvalidPayload) return problem(reply, 400, err.message, err.details);
          throw err;
        }
        await enqueue(deps.events, events);
        request.log.info({ source: source.name, events: events.length, incidents: [...new Set(events.map((e) => e.key))].slice(0, 10) }, 'webhook accepted');
        const first = events[0];
        return reply.code(202).send(
          events.length === 1 && first
            ? { incident: first.key, status: first.status }
            : { accepted: events.length, incidents: [...new Set(events.map((e) => e.key))] },
        );
      },
    );
  }
}
