import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { AccountHold } from '../src/publish/account-hold.ts';
import { AccountState } from '../src/publish/account-state.ts';
import { openQueues, type Queues } from '../src/queues.ts';
import { startFakeX, type FakeX } from './helpers/fake-x.ts';
import { event, REDIS_URL, settled, startTestHerald, type TestHerald } from './helpers/herald.ts';

describe('a 429 from X', () => {
  let fakeX: FakeX;
  let t: TestHerald;
  let second: TestHerald;
  before(async () => {
    // X's window resets a second after the 429; until then it refuses every post, as X does.
    fakeX = await startFakeX({ rateLimitResetSeconds: 1 });
    t = await startTestHerald({}, { fakeX });
    // A second herald on the same Redis prefix: another worker process, as far as BullMQ can tell.
    second = await startTestHerald({ HERALD_REDIS_PREFIX: t.config.redisPrefix }, { fakeX, role: 'worker' });
  });
  after(async () => {
    await second.close();
    await t.close();
    await fakeX.close();
  });

  it('pauses posting in every worker until the reset, then posts everything once', async () => {
    fakeX.failNext('429');
    await t.send(event({ service: 'Paused 0' }));
    const limited = await t.waitFor(async () => {
      const r = await t.get('/api/x');
      return r.body.status === 'rate-limited' ? r : undefined;
    }, 'the account to show as rate-limited');
    assert.ok(Date.parse(limited.body.rateLimitedUntil) > Date.now() - 1000);
    // Posts planned during the pause wait for the reset in whichever worker picks them.
    for (const i of [1, 2, 3]) await t.send(event({ service: `Paused ${i}` }));

    await fakeX.waitForPosts(4, 15_000);
    await settled(t);
    assert.equal(fakeX.requests.byStatus['POST /2/tweets 429'], 1, 'no worker asked X again before the reset');
    assert.equal(fakeX.requests.byStatus['POST /2/tweets 201'], 4);
  });

  it('does not use up the attempts of the post it refused', async () => {
    const e = event({ service: 'Counted' });
    fakeX.failNext('429');
    await t.send(e);
    const job = await t.waitFor(async () => {
      const jobs = await t.herald.queues.posts.getJobs(['wait', 'prioritized', 'delayed', 'active']);
      return jobs.find((j) => j.data.key === e.key && j.attemptsStarted > 0);
    }, 'the refused job to be back in line');
    assert.equal(job.attemptsMade, 0);
    await fakeX.waitForPosts(5, 15_000);
  });
});

describe('how long a 429 pauses posting', () => {
  let redis: Redis;
  let queues: Queues;
  let account: AccountState;
  const prefix = `herald-test-ratelimit-${randomUUID().slice(0, 8)}`;
  before(() => {
    redis = new Redis(REDIS_URL);
    queues = openQueues(redis, prefix);
    account = new AccountState(redis, prefix, new AccountHold(redis, prefix, 'x', queues.posts), { id: 'x', probeMs: 60_000 });
  });
  after(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await queues.close();
    redis.disconnect();
  });

  it('takes the 429s of workers refused together as one step of the streak, not one step each', async () => {
    const now = Date.now();
    // Four workers hit the exhausted window at once; X gave no usable reset.
    const untils = [];
    for (let i = 0; i < 4; i++) untils.push(await account.rateLimited(0, 'Too Many Requests', now + i));
    assert.deepEqual(untils, untils.map(() => now + 1000), 'a second, for every worker alike');
    // Once that pause is over, the next 429 with no post between is the next step: two seconds.
    assert.equal(await account.rateLimited(0, 'Too Many Requests', now + 1500), now + 1500 + 2000);
    // A post resets the streak.
    await account.posted();
    assert.equal(await account.rateLimited(0, 'Too Many Requests', now + 5000), now + 5000 + 1000);
  });

  it("waits for X's reset even when it is under a second away, without a streak step", async () => {
    await account.posted();
    const now = Date.now() + 60_000;
    assert.equal(await account.rateLimited(now + 400, 'Too Many Requests', now), now + 1000);
    assert.equal(await account.rateLimited(now + 90_000, 'Too Many Requests', now), now + 90_000);
    // The streak was not touched: a 429 without a reset after these is its first step.
    assert.equal(await account.rateLimited(0, 'Too Many Requests', now + 100_000), now + 100_000 + 1000);
  });
});
