import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { RedisFloodGate } from '../src/incidents/adapters/flood-gate.ts';
import type { IncomingEvent } from '../src/incidents/model.ts';
import type { RedisClient } from '../src/redis/connect.ts';
import { deletePrefix } from './helpers/herald.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const opening = (key: string): IncomingEvent => ({ key, status: 'open', service: 'KakaoTalk', feature: 'messaging', severity: 'major', at: '2026-05-20T00:00:00Z', receivedAt: '2026-05-20T00:00:00Z', source: 'generic' });

describe('the flood cap counts each new key once', () => {
  const redis = new Redis(REDIS_URL);
  const prefix = `herald-test-${randomUUID().slice(0, 8)}`;
  after(async () => {
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it('lets a re-sent open through (a retry after a 503, a monitoring repeat) before its incident is active, and holds only keys beyond the cap', async () => {
    const gate = new RedisFloodGate(redis as unknown as RedisClient, prefix, { cap: 3, logger: pino({ level: 'silent' }) });
    const now = Date.parse('2026-05-20T00:00:10Z');
    const first = await gate.admit('generic', ['a', 'b', 'c'].map(opening), now);
    assert.deepEqual([...first.verdict.held], []);
    // The same three again, none of them active yet: the incident worker has not applied them.
    const again = await gate.admit('generic', ['a', 'b', 'c'].map(opening), now + 1000);
    assert.deepEqual([...again.verdict.held], [], 'a re-sent open is not a second new incident');
    const fourth = await gate.admit('generic', [opening('d'), opening('a')], now + 2000);
    assert.deepEqual([...fourth.verdict.held], ['d']);
    // Into the next minute, a key admitted in the last one is still not new.
    const later = await gate.admit('generic', [opening('b')], now + 60_000);
    assert.deepEqual([...later.verdict.held], []);
  });
});
