import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Worker, type Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { RedisIncidentStore } from '../src/incidents/adapters/redis-store.ts';
import type { Post, PostStatus } from '../src/incidents/model.ts';
import { startSweeper, sweepDeliveries } from '../src/publish/sweep.ts';
import { deliveryJobId, followUpJobId, openFollowUpQueue, openQueues, scheduleDelivery, type FollowUpJob, type Queues } from '../src/queues.ts';
import { FollowUps } from '../src/incidents/adapters/follow-ups.ts';
import { fixedCadence } from '../src/incidents/follow-up-schedule.ts';
import { SWEEP_BATCH } from '../src/incidents/store.ts';
import { deletePrefix, REDIS_URL } from './helpers/herald.ts';
import { storedIncident } from './helpers/incidents.ts';
import { hasCommand, startRedisServer, until, type RedisServer } from './helpers/redis-servers.ts';

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
    // More incidents than one batch of the sweep, so every batch is seen to.
    const keys = Array.from({ length: SWEEP_BATCH + 20 }, (_, i) => `sweep-${i}`);
    for (const key of keys) await store.update(key, () => ({ next: storedIncident(key, { posts: [post('open', 'posted'), post('update-1', 'scheduled')] }), result: undefined }));
    const [live, failed] = keys;
    await scheduleDelivery(queues.posts, { key: live!, postId: 'update-1' }, '2099-01-01T00:00:00.000Z');
    await queues.posts.add('deliver', { key: failed!, postId: 'update-1' }, { jobId: deliveryJobId(failed!, 'update-1'), attempts: 1 });
    // A job that ran out of attempts, failed by a worker as herald's would fail it.
    const worker = new Worker(queues.posts.name, async () => Promise.reject(new Error('gave up')), { connection: { url: REDIS_URL }, prefix });
    await until(async () => (await queues.posts.getJobState(deliveryJobId(failed!, 'update-1'))) === 'failed', 'the worker to fail the job');
    await worker.close();

    assert.equal(await sweepDeliveries(store, queues, redis, silent), keys.length - 1);
    for (const key of keys) {
      const state = await queues.posts.getJobState(deliveryJobId(key, 'update-1'));
      assert.ok(['delayed', 'waiting', 'prioritized'].includes(state), `${key}: ${state}`);
      assert.equal(await queues.posts.getJobState(deliveryJobId(key, 'open')), 'unknown', `${key}: a posted post has no job`);
    }
    assert.equal(await sweepDeliveries(store, queues, redis, silent), 0, 'a second sweep finds nothing to do');
  });
});

// Commands are counted on a redis-server of the test's own: the shared one serves other tests too.
describe('the sweeps over many open incidents', { skip: !hasCommand('redis-server') && 'no redis-server' }, () => {
  const prefix = 'sweep-load';
  const silent = pino({ level: 'silent' });
  const posted: Post = { id: 'open', kind: 'open', status: 'posted', dueAt: '2026-05-19T15:00:00.000Z', postedAt: '2026-05-19T15:00:01.000Z', tweetId: '1', nextUpdateAt: '2099-01-01T00:00:00.000Z', attempts: 1 };
  const waiting: Post = { id: 'update-1', kind: 'update', status: 'scheduled', dueAt: '2099-01-01T00:00:00.000Z', attempts: 0 };
  // Two and a bit batches: half the incidents wait for a post, the other half for a follow-up.
  const keys = Array.from({ length: 2 * SWEEP_BATCH + 1 }, (_, i) => `load-${i}`);
  let server: RedisServer;
  let redis: Redis;
  let queues: Queues;
  let followUpQueue: Queue<FollowUpJob>;
  let store: RedisIncidentStore;
  let followUps: FollowUps;
  before(async () => {
    server = await startRedisServer(['--appendonly', 'no']);
    redis = new Redis(server.url, { maxRetriesPerRequest: null, enableAutoPipelining: true });
    queues = openQueues(redis, prefix);
    followUpQueue = openFollowUpQueue(redis, prefix);
    store = new RedisIncidentStore(redis, prefix);
    followUps = new FollowUps({ queue: followUpQueue, redis, store, queues, schedule: fixedCadence(60_000), logger: silent });
    await Promise.all(keys.map((key, i) => store.update(key, () => ({ next: storedIncident(key, { posts: i % 2 ? [posted] : [posted, waiting] }), result: undefined }))));
    await Promise.all(keys.map((key, i) => (i % 2 ? followUps.arm(key) : scheduleDelivery(queues.posts, { key, postId: 'update-1' }, waiting.dueAt))));
  });
  after(async () => {
    await Promise.all([queues.close(), followUpQueue.close()]);
    redis.disconnect();
    await server.stop();
  });

  const processed = async () => Number(/total_commands_processed:(\d+)/.exec(await redis.info('stats'))![1]);
  /** Commands `run` sent, besides the INFO that reads the count. */
  async function commandsOf(run: () => Promise<unknown>): Promise<number> {
    const before = await processed();
    await run();
    return (await processed()) - before - 1;
  }
  // A few commands per batch: before, a GET per incident and a job-state script (up to 8 commands) per post.
  const bound = 4 * Math.ceil(keys.length / SWEEP_BATCH) + 4;

  it('the delivery sweep reads the incidents and their jobs a batch at a time', async () => {
    let restarted = -1;
    const used = await commandsOf(async () => (restarted = await sweepDeliveries(store, queues, redis, silent)));
    assert.equal(restarted, 0);
    assert.ok(used <= bound, `${used} commands for ${keys.length} incidents (at most ${bound})`);
  });

  it('the follow-up sweep too, and still re-arms a follow-up whose job was lost', async () => {
    const used = await commandsOf(() => followUps.sweep());
    assert.ok(used <= bound, `${used} commands for ${keys.length} incidents (at most ${bound})`);
    const lost = followUpJobId('load-1', 'open');
    await followUpQueue.remove(lost);
    await followUps.sweep();
    assert.equal(await followUpQueue.getJobState(lost), 'delayed');
  });

  it('the delivery sweep still restarts a post whose job was lost', async () => {
    const lost = deliveryJobId('load-0', 'update-1');
    await queues.posts.remove(lost);
    assert.equal(await sweepDeliveries(store, queues, redis, silent), 1);
    assert.notEqual(await queues.posts.getJobState(lost), 'unknown');
  });
});
