import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import type { AlertEvent } from '../src/incidents/model.ts';
import { ingestRoutes } from '../src/ingest/routes.ts';
import type { Source } from '../src/ingest/source.ts';
import { eventJobId, EVENTS_QUEUE } from '../src/queues.ts';
import { buildServer } from '../src/server.ts';
import { deletePrefix, REDIS_URL } from './helpers/herald.ts';

/** A source that turns `{keys: [...]}` into one open event per key, as a grouped format would. */
const grouped: Source = {
  name: 'grouped',
  enabled: true,
  authenticate: () => true,
  normalize: (body, receivedAt) => ({
    events: (body as { keys: string[] }).keys.map((key) => ({ key, status: 'open', service: 'KakaoTalk', feature: 'messaging', severity: 'major', at: receivedAt, source: 'grouped', receivedAt })),
    unrouted: [],
  }),
};

describe('the webhook route hands every event of a webhook to the events queue', () => {
  const prefix = `herald-test-${randomUUID().slice(0, 8)}`;
  let redis: Redis;
  let events: Queue<AlertEvent>;
  const app = buildServer(pino({ level: 'silent' }));
  const now = new Date('2026-05-20T00:00:00.000Z');
  const send = (keys: string[]) => app.inject({ method: 'POST', url: '/webhooks/grouped', payload: { keys } });
  const queued = async (key: string) => {
    const event = { key, status: 'open', service: 'KakaoTalk', feature: 'messaging', severity: 'major', at: now.toISOString(), source: 'grouped', receivedAt: now.toISOString() } as const;
    return (await events.getJob(eventJobId(event)))?.data.key;
  };

  before(async () => {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    events = new Queue<AlertEvent>(EVENTS_QUEUE, { connection: redis, prefix });
    await app.register(ingestRoutes, { sources: [grouped], events, now: () => now });
  });
  after(async () => {
    await app.close();
    await events.close();
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it('queues a lone event under the id its content gives it', async () => {
    const key = `one-${randomUUID().slice(0, 8)}`;
    assert.equal((await send([key])).statusCode, 202);
    assert.equal(await queued(key), key);
  });

  it('queues each event of a grouped webhook under its own id', async () => {
    const keys = [`a-${randomUUID().slice(0, 8)}`, `b-${randomUUID().slice(0, 8)}`, `c-${randomUUID().slice(0, 8)}`];
    const res = await send(keys);
    assert.equal(res.statusCode, 202);
    assert.equal(res.json().accepted, 3);
    assert.deepEqual(await Promise.all(keys.map(queued)), keys);
  });

  it('queues nothing for a webhook that carries no event', async () => {
    const before = await events.count();
    assert.equal((await send([])).statusCode, 202);
    assert.equal(await events.count(), before);
  });
});
