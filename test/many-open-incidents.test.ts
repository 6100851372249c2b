import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sleep, startTestHerald, TOKEN, type TestHerald } from './helpers/herald.ts';
import { startRedisServer, type RedisServer } from './helpers/redis-servers.ts';

/**
 * Thousands of open incidents must not starve replies: with 5,000 major outages open under the
 * default budget (25 posts per 15 minutes), the ones announced get their resolutions out within a
 * minute of the resolve, while the rest wait for the window (docs/delivery.md). Before the replies'
 * share, announcements took the whole window and those resolutions waited up to 15 minutes.
 * On this test's own redis-server, so 5,000 records never touch the shared Redis.
 */
const OPEN = 5_000;

/** One Alertmanager notification carrying these outages' alerts, each its own service (so its own incident). */
function notification(services: readonly number[], status: 'firing' | 'resolved', at: string) {
  const alerts = services.map((i) => ({
    status,
    labels: { alertname: 'Down', public: 'true', service: `Service ${i}`, feature: 'messaging', severity: 'major' },
    startsAt: at,
    ...(status === 'resolved' && { endsAt: new Date().toISOString() }),
  }));
  return { version: '4', status, receiver: 'herald', alerts };
}

describe(`${OPEN} open incidents under the default budget`, () => {
  let server: RedisServer;
  let t: TestHerald;
  before(async () => {
    server = await startRedisServer(['--appendonly', 'no']);
    t = await startTestHerald({ REDIS_URL: server.url, ALERTMANAGER_TOKEN: TOKEN, HERALD_X_REPLY_SHARE_PERCENT: process.env.TEST_REPLY_SHARE ?? '50' });
  });
  after(async () => {
    await t?.close();
    await server?.stop();
  });

  const mark = (what: string) => process.env.TEST_TIMINGS && process.stderr.write(`${new Date().toISOString()} ${what}\n`);
  it('sends the resolution of every announced one within a minute of being due', async () => {
    const all = Array.from({ length: OPEN }, (_, i) => i);
    const at = new Date().toISOString();
    const sent = await t.send(notification(all, 'firing', at), { path: '/webhooks/alertmanager' });
    assert.equal(sent.status, 202, JSON.stringify(sent.body));
    mark('sent');
    await t.waitFor(async () => (await t.herald.queues.events.getJobCounts('wait', 'active', 'prioritized', 'delayed')).wait === 0 || undefined, 'every open applied', 60_000);
    mark('applied');
    // The announcements the budget lets out go at once; the rest wait for the window.
    let seen = -1;
    while (seen !== t.fakeX.posts.length) {
      seen = t.fakeX.posts.length;
      await sleep(2000);
    }
    mark('announced');
    const roots = new Map(t.fakeX.posts.map((p) => [p.id, p]));
    assert.ok(roots.size > 0 && roots.size < 25, `${roots.size} announced; the rest of the window is kept for their replies`);

    const announced = all.filter((i) => [...roots.values()].some((p) => new RegExp(`Service ${i}\\b`).test(p.text)));
    assert.equal(announced.length, roots.size, 'each announcement names its own service');
    // Their resolutions, and as many of the never-announced ones, resolve together.
    const others = all.filter((i) => !announced.includes(i)).slice(0, 500);
    const due = Date.now();
    assert.equal((await t.send(notification([...announced, ...others], 'resolved', at), { path: '/webhooks/alertmanager' })).status, 202);
    await t.waitFor(async () => t.fakeX.posts.filter((p) => p.inReplyTo && roots.has(p.inReplyTo)).length === roots.size || undefined, 'a resolution under every announcement', 60_000);
    const took = Date.now() - due;
    mark(`resolved in ${took} ms`);
    assert.ok(took < 60_000, `the last resolution went out ${took} ms after the resolves`);
    const replies = t.fakeX.posts.filter((p) => p.inReplyTo);
    assert.deepEqual(new Set(replies.map((p) => p.inReplyTo)), new Set(roots.keys()), 'one resolution under each announcement');
    assert.equal(replies.length, roots.size);
    assert.equal(t.fakeX.posts.filter((p) => !p.inReplyTo).length, roots.size, 'no never-announced incident posted its resolution as a root');
  });
});
