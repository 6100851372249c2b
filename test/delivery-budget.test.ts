import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { event, startTestHerald, type TestHerald } from './helpers/herald.ts';

/** Resolves once the only posts left are parked (delayed), `n` of them. */
async function parked(t: TestHerald, n: number) {
  await t.waitFor(async () => {
    const c = await t.herald.queues.posts.getJobCounts('wait', 'active', 'delayed', 'prioritized');
    return c.wait === 0 && c.active === 0 && c.prioritized === 0 && c.delayed === n;
  }, `${n} post(s) to wait for the budget`);
}

describe('the posting budget', () => {
  let t: TestHerald;
  afterEach(async () => t.close());

  it('holds back an announcement once the 15-minute budget is spent, and the API shows what is left', async () => {
    t = await startTestHerald({ HERALD_X_BUDGET_15MIN: '2', HERALD_X_BUDGET_RESERVE: '0' });
    for (let i = 0; i < 3; i++) await t.send(event({ service: `Service ${i}` }));
    await t.fakeX.waitForPosts(2);
    await parked(t, 1);
    assert.equal(t.fakeX.posts.length, 2);

    const budget = await t.get('/api/budget');
    assert.equal(budget.status, 200);
    const window = budget.body.posts.windows.find((w: { window: string }) => w.window === '15min');
    assert.deepEqual([window.limit, window.used, window.remaining], [2, 2, 0]);
    assert.equal(budget.body.status, 'posting');
  });

  it('keeps the reserve for a critical announcement while a minor one waits', async () => {
    t = await startTestHerald({ HERALD_X_BUDGET_15MIN: '2', HERALD_X_BUDGET_RESERVE: '1' });
    await t.send(event({ service: 'First Minor', severity: 'minor' }));
    await t.fakeX.waitForPosts(1);
    await t.send(event({ service: 'Second Minor', severity: 'minor' }));
    await parked(t, 1);
    await t.send(event({ service: 'Critical One', severity: 'critical' }));
    const posts = await t.fakeX.waitForPosts(2);
    await parked(t, 1);

    assert.deepEqual(posts.map((p) => /First Minor|Second Minor|Critical One/.exec(p.text)?.[0]), ['First Minor', 'Critical One']);
  });

  it('answers /api/budget only with the API token', async () => {
    t = await startTestHerald();
    assert.equal((await t.get('/api/budget', { authorization: 'Bearer wrong' })).status, 401);
  });
});
