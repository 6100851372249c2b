import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { afterEach, describe, it } from 'node:test';
import { pino } from 'pino';
import { event, sleep, startTestHerald, type TestHerald } from './helpers/herald.ts';

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
    t = await startTestHerald({ HERALD_X_BUDGET_15MIN: '2', HERALD_X_BUDGET_RESERVE: '0', HERALD_X_REPLY_SHARE_PERCENT: '0' });
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
    t = await startTestHerald({ HERALD_X_BUDGET_15MIN: '2', HERALD_X_BUDGET_RESERVE: '1', HERALD_X_REPLY_SHARE_PERCENT: '0' });
    await t.send(event({ service: 'First Minor', severity: 'minor' }));
    await t.fakeX.waitForPosts(1);
    await t.send(event({ service: 'Second Minor', severity: 'minor' }));
    await parked(t, 1);
    await t.send(event({ service: 'Critical One', severity: 'critical' }));
    const posts = await t.fakeX.waitForPosts(2);
    await parked(t, 1);

    assert.deepEqual(posts.map((p) => /First Minor|Second Minor|Critical One/.exec(p.text)?.[0]), ['First Minor', 'Critical One']);
  });

  it('sends every resolution in a live thread within a minute of being due, with 20 critical incidents opened and resolved together under the default budget', async () => {
    const held: { incident?: string; post?: string; msg: string }[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) {
          const parsed = JSON.parse(line);
          if (/posting budget holds this post back/.test(parsed.msg)) held.push(parsed);
        }
        done();
      },
    });
    t = await startTestHerald({}, { logger: pino({ level: 'info' }, sink) });
    const events = Array.from({ length: 20 }, (_, i) => event({ service: `Service ${i}`, severity: 'critical' }));
    for (const e of events) await t.send(e);
    // The announcements the budget lets out go at once; the rest wait for the window.
    let seen = -1;
    while (seen !== t.fakeX.posts.length) {
      seen = t.fakeX.posts.length;
      await sleep(1500);
    }
    const roots = new Map(t.fakeX.posts.map((p) => [p.id, p]));
    assert.ok(roots.size > 0 && roots.size < 20, `${roots.size} announcements went out; the rest leave room for replies`);
    const health = (await t.get('/healthz/x', { authorization: '' })).body;
    assert.equal(health.waiting, 20 - roots.size, '/healthz/x counts the posts the budget holds back');
    assert.equal(held.length, 20 - roots.size, 'each held post is logged once');
    assert.ok(held.every((l) => /it goes out at 20\d\d-/.test(l.msg) && l.incident && l.post));

    for (const e of events) await t.send({ ...e, status: 'resolved' });
    const due = Date.now();
    await t.waitFor(async () => t.fakeX.posts.filter((p) => p.inReplyTo && roots.has(p.inReplyTo)).length === roots.size || undefined, 'a resolution under every announcement', 60_000);
    assert.ok(Date.now() - due < 60_000);
    const replies = t.fakeX.posts.filter((p) => p.inReplyTo);
    assert.deepEqual(new Set(replies.map((p) => p.inReplyTo)), new Set(roots.keys()), 'one resolution under each announcement');
    assert.equal(replies.length, roots.size);
  });

  it('answers /api/budget only with the API token', async () => {
    t = await startTestHerald();
    assert.equal((await t.get('/api/budget', { authorization: 'Bearer wrong' })).status, 401);
  });
});
