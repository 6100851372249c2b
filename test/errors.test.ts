import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { ApprovalError } from '../src/approval/service.ts';
import { ComposeError } from '../src/compose/errors.ts';
import { ERROR_CODES, HeraldError, InvalidPayload } from '../src/errors.ts';
import type { AlertEvent } from '../src/incidents/model.ts';
import { ingestRoutes } from '../src/ingest/routes.ts';
import { EVENTS_QUEUE } from '../src/queues.ts';
import { buildServer } from '../src/server.ts';

const silent = pino({ level: 'silent' });

/** A port nothing listens on: taken from the OS, then let go. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the error registry', () => {
  it('documents every code in docs/errors.md with its status', () => {
    const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
    for (const [code, { status }] of Object.entries(ERROR_CODES)) {
      assert.match(doc, new RegExp(`\\| \`${code}\` \\| ${status} \\|`), `${code} is missing from the table, or with another status`);
    }
  });

  it('lets callers tell errors apart by class, whatever their message says', () => {
    const compose = new ComposeError('too-long', 'InvalidPayload');
    assert.ok(compose instanceof HeraldError);
    assert.ok(!(compose instanceof InvalidPayload));
    assert.equal(compose.retryable, false);
    assert.equal(compose.code, 'HERALD_COMPOSE');
  });

  it('answers a coded error with its status, its details and its code', async () => {
    const app = buildServer(silent);
    app.get('/draft', async () => {
      throw new ApprovalError(409, 'the draft was approved already', ['approved by mina']);
    });
    const res = await app.inject({ method: 'GET', url: '/draft' });
    await app.close();
    assert.equal(res.statusCode, 409);
    assert.deepEqual(res.json(), { error: 'the draft was approved already', details: ['approved by mina'], code: 'HERALD_CONFLICT' });
  });

  it('answers 503 naming Redis when a webhook arrives while Redis is not reachable', async () => {
    const redis = new Redis({ port: await deadPort(), lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.on('error', () => undefined);
    const events = new Queue<AlertEvent>(EVENTS_QUEUE, { connection: redis, prefix: 'herald-test-dead' });
    events.on('error', () => undefined);
    const app = buildServer(silent, { redisReady: () => redis.status === 'ready' });
    const source = { name: 'any', enabled: true, authenticate: () => true, normalize: (body: unknown) => ({ events: [body as AlertEvent], unrouted: [] }) };
    await app.register(ingestRoutes, { sources: [source], events });
    try {
      const event = { key: 'k', status: 'open', service: 'S', feature: 'messaging', severity: 'major', at: '2026-05-20T00:00:00Z', source: 'any', receivedAt: '2026-05-20T00:00:00Z' };
      const down = await app.inject({ method: 'POST', url: '/webhooks/any', payload: event });
      assert.equal(down.statusCode, 503);
      assert.equal(down.json().code, 'HERALD_REDIS_UNAVAILABLE');
      assert.match(down.json().error, /nothing was accepted/);
    } finally {
      await app.close();
      await events.close().catch(() => undefined);
      redis.disconnect();
    }
  });

  it('answers 500 without the error\'s own text for an unexpected failure', async () => {
    const app = buildServer(silent, { redisReady: () => true });
    app.get('/broken', async () => {
      throw new TypeError('secret-ish internals');
    });
    const res = await app.inject({ method: 'GET', url: '/broken' });
    await app.close();
    assert.equal(res.statusCode, 500);
    assert.deepEqual(res.json(), { error: 'internal error; nothing was accepted', details: [] });
  });
});
