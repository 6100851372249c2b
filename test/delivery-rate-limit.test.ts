import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFakeX, type FakeX } from './helpers/fake-x.ts';
import { event, settled, startTestHerald, type TestHerald } from './helpers/herald.ts';

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
