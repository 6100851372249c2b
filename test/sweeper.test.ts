import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { RedisIncidentStore } from '../src/incidents/adapters/redis-store.ts';
import type { Post, PostStatus } from '../src/incidents/model.ts';
import { startSweeper, sweepDeliveries } from '../src/publish/sweep.ts';
import { deliveryJobId, openQueues, scheduleDelivery, type Queues } from '../src/queues.ts';
import { deletePrefix, REDIS_URL } from './helpers/herald.ts';
import { storedIncident } from './helpers/incidents.ts';
import { until } from './helpers/redis-servers.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the sweeper', () => {
  it('never runs a sweep beside one still under way, and sweeps again once it is done', async () => {
    let running = 0;
    let most = 0;
    let runs = 0;
    // Each sweep takes five intervals: a timer that started one per interval would overlap them.
    const stop = startSweeper(
      async () => {
        runs++;
        most = Math.max(most, ++running);
        await sleep(50);
        running--;
      },
      10,
      pino({ level: 'silent' }),
    );
    await sleep(200);
    await stop();
    assert.equal(most, 1);
    assert.ok(runs >= 2, `swept ${runs} time(s) in 200 ms`);
  });

  it('goes on sweeping after a sweep failed', async () => {
    let runs = 0;
    const stop = startSweeper(
      async () => {
        runs++;
        throw new Error('Redis went away');
      },
      10,
      pino({ level: 'silent' }),
    );
    await sleep(100);
    await stop();
    assert.ok(runs >= 2);
  });
});

describe('the delivery sweep, on the real Redis and BullMQ', () => {
  const prefix = `herald-test-${randomUUID().slice(0, 8)}`;
  const silent = pino({ level: 'silent' });
  let redis: Redis;
  let queues: Queues;
  let store: RedisIncidentStore;
  before(() => {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null, enableAutoPipelining: true });
    queues = openQueues(redis, prefix);
    store = new RedisIncidentStore(redis, prefix);
  });
  after(async () => {
    await queues.close();
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  const post = (id: string, status: PostStatus): Post => ({ id, kind: id === 'open' ? 'open' : 'update', status, dueAt: '2099-01-01T00:00:00.000Z', attempts: 0 });

  it('queues a post whose job is missing, retries one whose job failed, and leaves live and finished ones alone', async () => {
    // More incidents than one chunk of the sweep, so every chunk is seen to.
    const keys = Array.from({ length: 70 }, (_, i) => `sweep-${i}`);
    for (const key of keys) await store.update(key, () => ({ next: storedIncident(key, { posts: [post('open', 'posted'), post('update-1', 'scheduled')] }), result: undefined }));
    const [live, failed] = keys;
    await scheduleDelivery(queues.posts, { key: live!, postId: 'update-1' }, '2099-01-01T00:00:00.000Z');
    await queues.posts.add('deliver', { key: failed!, postId: 'update-1' }, { jobId: deliveryJobId(failed!, 'update-1'), attempts: 1 });
    // A job that ran out of attempts, failed by a worker as herald's would fail it.
    const worker = new Worker(queues.posts.name, async () => Promise.reject(new Error('gave up')), { connection: { url: REDIS_URL }, prefix });
    await until(async () => (await queues.posts.getJobState(deliveryJobId(failed!, 'update-1'))) === 'failed', 'the worker to fail the job');
    await worker.close();

    assert.equal(await sweepDeliveries(store, queues, silent), 69);
    for (const key of keys) {
      const state = await queues.posts.getJobState(deliveryJobId(key, 'update-1'));
      assert.ok(['delayed', 'waiting', 'prioritized'].includes(state), `${key}: ${state}`);
      assert.equal(await queues.posts.getJobState(deliveryJobId(key, 'open')), 'unknown', `${key}: a posted post has no job`);
    }
    assert.equal(await sweepDeliveries(store, queues, silent), 0, 'a second sweep finds nothing to do');
  });
});
