import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import type { Incident } from '../src/incidents/model.ts';
import { RedisIncidentStore } from '../src/incidents/adapters/redis-store.ts';
import { deletePrefix, REDIS_URL } from './helpers/herald.ts';
import { storedIncident } from './helpers/incidents.ts';

const countEvent = (key: string) => (current: Incident | null) => {
  const next = storedIncident(key, { events: (current?.events ?? 0) + 1 });
  return { next, result: next.events };
};

describe('the Redis incident store under concurrent updates', () => {
  const prefix = `herald-test-${randomUUID().slice(0, 8)}`;
  let a: Redis;
  let b: Redis;
  before(() => {
    a = new Redis(REDIS_URL);
    b = new Redis(REDIS_URL);
  });
  after(async () => {
    await deletePrefix(a, prefix);
    a.disconnect();
    b.disconnect();
  });

  it('applies every one of many concurrent updates to one incident in one process', async () => {
    const store = new RedisIncidentStore(a, prefix);
    const key = `storm-${randomUUID().slice(0, 8)}`;
    await Promise.all(Array.from({ length: 200 }, () => store.update(key, countEvent(key))));
    assert.equal((await store.get(key))?.events, 200);
  });

  it('applies every update when two processes update the same incident at once', async () => {
    const [first, second] = [new RedisIncidentStore(a, prefix), new RedisIncidentStore(b, prefix)];
    const key = `shared-${randomUUID().slice(0, 8)}`;
    await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? first : second).update(key, countEvent(key))));
    assert.equal((await first.get(key))?.events, 200);
  });
});
