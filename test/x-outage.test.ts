import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { event, startTestHerald, type TestHerald } from './helpers/herald.ts';

const health = async (t: TestHerald) => (await t.get('/healthz/x', { authorization: '' })).body;
const postsUsed = async (t: TestHerald) => (await t.get('/api/budget')).body.posts.windows.find((w: { window: string }) => w.window === '15min').used;

/** Seconds until /healthz/x says `status`. */
async function secondsUntil(t: TestHerald, status: string, timeoutMs = 25_000): Promise<number> {
  const from = Date.now();
  await t.waitFor(async () => (await health(t)).status === status, `/healthz/x to say ${status}`, timeoutMs);
  return (Date.now() - from) / 1000;
}

describe('an X that answers 500 or refuses connections', () => {
  let t: TestHerald;
  afterEach(async () => {
    await t.fakeX.outage(undefined);
    await t.close();
  });

  for (const kind of ['500', 'refuse'] as const) {
    it(`says x-unavailable within 20 s of X failing every call (${kind}) and charges no budget for it`, async () => {
      t = await startTestHerald({ HERALD_X_UNAVAILABLE_PROBE_SECONDS: '0.5' });
      await t.fakeX.outage(kind);
      await t.send(event());

      assert.ok((await secondsUntil(t, 'x-unavailable')) < 20);
      const body = await t.get('/healthz/x', { authorization: '' });
      assert.equal(body.status, 503);
      assert.equal(await postsUsed(t), 0, 'no posting unit is charged for calls X did not count');
      // The account's posts wait in its own hold (other accounts would go on): X is probed, not posted to.
      const tried = () => t.fakeX.requests.byRoute['POST /2/tweets'] ?? 0;
      const before = tried();
      await new Promise((resolve) => setTimeout(resolve, 3000));
      assert.equal(tried(), before, 'no post is tried while X is unavailable');
    });

    it(`posts within seconds once X answers again after a ${kind} outage`, async () => {
      t = await startTestHerald({ HERALD_X_UNAVAILABLE_PROBE_SECONDS: '0.5' });
      await t.fakeX.outage(kind);
      for (let i = 0; i < 3; i++) await t.send(event({ service: `Service ${i}` }));
      await secondsUntil(t, 'x-unavailable');
      await t.fakeX.outage(undefined);
      const back = Date.now();

      await t.fakeX.waitForPosts(3, 15_000);
      assert.ok(Date.now() - back < 15_000);
      assert.equal((await health(t)).status, 'posting');
      assert.equal(await postsUsed(t), 3, 'only the posts X took are charged');
    });
  }

  it('feeds herald_rate_limit_remaining from the posting and reading budgets', async () => {
    t = await startTestHerald({ HERALD_X_BUDGET_15MIN: '7', HERALD_X_BUDGET_RESERVE: '0' });
    await t.send(event());
    await t.fakeX.waitForPosts(1);
    await t.waitFor(async () => (await postsUsed(t)) === 1, 'the post to be charged');

    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    assert.match(metrics, /herald_rate_limit_remaining\{window="15min"\} 6/);
    // Reads are spent on timelines only: the empty-start look (one, docs/faults.md) and any reconcile.
    const reads = t.fakeX.requests.byRoute['GET /2/users/:id/tweets'] ?? 0;
    assert.ok(reads >= 1, 'an empty Redis at start looks at the account\'s own posts once');
    assert.match(metrics, new RegExp(`herald_rate_limit_remaining\\{window="reads-15min"\\} ${30 - reads}\n`));
  });

  it('says budget-exhausted with the time the next unit is free', async () => {
    t = await startTestHerald({ HERALD_X_BUDGET_15MIN: '1', HERALD_X_BUDGET_RESERVE: '0', HERALD_X_REPLY_SHARE_PERCENT: '0' });
    await t.send(event());
    await t.fakeX.waitForPosts(1);

    await secondsUntil(t, 'budget-exhausted');
    const body = await health(t);
    assert.ok(Date.parse(body.nextFreeAt) > Date.now(), `next free at ${body.nextFreeAt}`);
    assert.match(body.reason, /next free at/);
  });
});

describe('reconciling a post whose answer was lost', () => {
  let t: TestHerald;
  afterEach(async () => t.close());

  it('needs a read, not a posting unit: it adopts the tweet while the posting budget is spent', async () => {
    t = await startTestHerald({ HERALD_X_BUDGET_15MIN: '1', HERALD_X_BUDGET_RESERVE: '0', HERALD_X_REPLY_SHARE_PERCENT: '0' });
    t.fakeX.failNext('drop-after-create');
    const e = event();
    await t.send(e);

    const incident = await t.waitFor(async () => {
      const r = await t.get(`/api/incidents/${e.key}`);
      return r.body?.posts?.[0]?.status === 'posted' ? r.body : undefined;
    }, 'the lost post to be adopted', 15_000);
    assert.equal(incident.tweets[0].id, t.fakeX.posts[0]!.id);
    assert.equal(t.fakeX.posts.length, 1);
  });
});

describe('a deleted root answered with a 400', () => {
  let t: TestHerald;
  afterEach(async () => t.close());

  it('posts the resolution as a new tweet rather than failing it', async () => {
    t = await startTestHerald();
    const e = event();
    await t.send(e);
    const [open] = await t.fakeX.waitForPosts(1);
    await t.waitFor(async () => (await t.get(`/api/incidents/${e.key}`)).body.tweets.length === 1, 'the root to be recorded');
    t.fakeX.deletePost(open!.id, 400);
    await t.send({ ...e, status: 'resolved' });

    const [resolution] = await t.fakeX.waitForPosts(1, 15_000);
    assert.equal(resolution!.inReplyTo, undefined);
    assert.ok(t.fakeX.requests.byStatus['POST /2/tweets 400']! >= 1, 'X refused the reply with a 400 first');
  });
});
