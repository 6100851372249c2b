/**
 * The minimal *correct* receiver herald's `--role api` is also compared with (issue 29): what a
 * careful person would write in an afternoon to take herald's generic webhook. fastify, a bearer
 * token compared in constant time, a JSON schema on the body (fastify's compiled validator), and
 * one BullMQ `Queue.add` whose job id is derived from the content, the job kept an hour, so a
 * retried delivery is recognised and queued once. It answers 202, 401 and 400 as herald does, so
 * the comparison is with a receiver that does the job, not with a bare route that skips it (the
 * node:http floor in baseline.ts is that one). Nothing of herald's code is used.
 */
import { hash, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import Fastify from 'fastify';
import { Redis } from 'ioredis';

export interface MinimalReceiverOptions {
  redisUrl: string;
  prefix: string;
  /** The bearer token a sender must bring. */
  token: string;
}

export const MINIMAL_QUEUE = 'minimal';

/** herald's generic event, its fields and their limits, as a JSON schema. */
const eventSchema = {
  type: 'object',
  required: ['key', 'status', 'service', 'feature', 'severity'],
  additionalProperties: false,
  properties: {
    key: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[\\w.~-]+$' },
    status: { enum: ['open', 'update', 'resolved'] },
    service: { type: 'string', minLength: 1, maxLength: 100 },
    feature: { type: 'string', minLength: 1, maxLength: 100 },
    severity: { enum: ['critical', 'major', 'minor'] },
    at: { type: 'string', format: 'date-time' },
  },
} as const;

interface MinimalEvent {
  key: string;
  status: string;
  service: string;
  feature: string;
  severity: string;
  at?: string;
}

const sha256 = (text: string) => hash('sha256', text, 'buffer');

export async function startMinimalReceiver(o: MinimalReceiverOptions): Promise<{ url: string; close(): Promise<void> }> {
  const connection = new Redis(o.redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue<MinimalEvent>(MINIMAL_QUEUE, { connection, prefix: o.prefix });
  const expected = sha256(`Bearer ${o.token}`);

  // fastify's validator drops unknown fields and coerces types by default; herald refuses both, so this does too.
  const app = Fastify({ logger: false, ajv: { customOptions: { removeAdditional: false, coerceTypes: false } } });
  app.addHook('onRequest', async (request, reply) => {
    const given = request.headers.authorization;
    if (given === undefined || !timingSafeEqual(sha256(given), expected)) {
      return reply.code(401).send({ error: 'missing or wrong bearer token' });
    }
  });
  app.post<{ Body: MinimalEvent }>('/webhooks/generic', { schema: { body: eventSchema } }, async (request, reply) => {
    const e = request.body;
    // The same event delivered twice has the same id: BullMQ keeps the first and ignores the second.
    const jobId = hash('sha256', [e.key, e.status, e.service, e.feature, e.severity, e.at ?? ''].join('\u0000'), 'hex');
    await queue.add(e.status, e, { jobId, removeOnComplete: { age: 3600 } });
    return reply.code(202).send({ accepted: 1 });
  });

  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      await app.close();
      await queue.close();
      connection.disconnect();
    },
  };
}
