import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import type { LostIncident } from '../src/publish/account-state.ts';
import { EpochWatch } from '../src/ops/redis-epoch.ts';
import { deletePrefix, REDIS_URL } from './helpers/herald.ts';
import { storedIncident } from './helpers/incidents.ts';

/**
 * The epoch watch's refresh of what it knows reads the incidents after it found the marker: when
 * Redis forgets between the two reads, the empty answer must not replace what the watch knew, or
 * the loss it reports next lists no incident (redis-data-loss-accounts.test.ts failed so when the
 * tests ran side by side). Real Redis, this test's own prefix; the loss is the marker deleted.
 */
describe('the Redis epoch watch', () => {
  const redis = new Redis(REDIS_URL);
  const prefix = `herald-test-${randomUUID().slice(0, 8)}`;
  after(async () => {
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it('keeps what it knew when Redis forgets while it reads the incidents, and lists them at the loss', async () => {
    const incident = storedIncident('epoch-race', { posts: [{ id: 'open', kind: 'open', status: 'posted', dueAt: '2026-05-20T00:00:00.000Z', attempts: 1, tweetId: '1001' }] });
    let gone = false;
    let forgetOnNextRead = false;
    const store = {
      get: async (key: string) => (key === incident.key && !gone ? incident : null),
      recentKeys: async () => (gone ? [] : [incident.key]),
      activeKeys: async () => {
        if (forgetOnNextRead) {
          await redis.del(`${prefix}:epoch`);
          gone = true;
        }
        return gone ? [] : [incident.key];
      },
    };
    const holds: LostIncident[][] = [];
    const account = { id: 'x', hold: async (_reason: string, lost: LostIncident[]) => (holds.push(lost), true), noteStartCheck: async () => undefined };
    const watch = new EpochWatch({ redis, prefix, store, accounts: [account], logger: pino({ level: 'silent' }), intervalMs: 60_000 });

    await watch.start();
    forgetOnNextRead = true;
    await watch.check(); // the marker is there; the incidents read after it are gone
    assert.deepEqual(holds, [], 'no loss seen yet');
    await watch.check(); // the marker is gone: the loss
    assert.deepEqual(holds, [[{ key: 'epoch-race', rootTweetId: '1001' }]]);
  });
});
