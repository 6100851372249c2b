import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AlertEvent } from '../src/incidents/model.ts';
import { ConsoleClient, consoleEnv, PEOPLE } from './helpers/console.ts';
import { API_TOKEN, event, settled, startTestHerald, type TestHerald } from './helpers/herald.ts';

describe('the admin side: Bull Board, paused queues, events added by hand', () => {
  let t: TestHerald;
  before(async () => {
    t = await startTestHerald(await consoleEnv({ HERALD_APPROVAL: 'auto' }));
  });
  after(async () => t.close());

  async function board(client: ConsoleClient, method: string, path: string) {
    return client.request(method, `/admin/queues/api/queues${path}`, { headers: { 'sec-fetch-site': 'same-origin' } });
  }

  it('shows Bull Board read-only to a signed-in viewer and approver, and refuses their pause', async () => {
    for (const person of [PEOPLE.viewer, PEOPLE.approver]) {
      const c = new ConsoleClient(t.url);
      assert.equal((await c.signIn(person.name, person.password)).status, 303);
      const list = await board(c, 'GET', '');
      assert.equal(list.status, 200);
      assert.ok(list.body.queues.length > 0);
      assert.ok(list.body.queues.every((q: { readOnlyMode: boolean }) => q.readOnlyMode), `${person.name} sees buttons`);
      assert.equal((await board(c, 'PUT', '/posts/pause')).status, 403);
      assert.equal(await t.herald.queues.posts.isPaused(), false);
    }
  });

  it('lets a signed-in admin pause and resume from herald’s own pages', async () => {
    const c = new ConsoleClient(t.url);
    await c.signIn(PEOPLE.admin.name, PEOPLE.admin.password);
    const list = await board(c, 'GET', '');
    assert.ok(list.body.queues.every((q: { readOnlyMode: boolean }) => !q.readOnlyMode));
    assert.equal((await board(c, 'PUT', '/events/pause')).status, 200);
    assert.equal(await t.herald.queues.events.isPaused(), true);
    assert.equal((await board(c, 'PUT', '/events/resume')).status, 200);
    assert.equal(await t.herald.queues.events.isPaused(), false);
  });

  it('refuses a queue change from a signed-in admin’s browser when it comes from another site', async () => {
    const c = new ConsoleClient(t.url);
    await c.signIn(PEOPLE.admin.name, PEOPLE.admin.password);
    const res = await c.request('PUT', '/admin/queues/api/queues/posts/pause', { headers: { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' } });
    assert.equal(res.status, 403);
    assert.equal(await t.herald.queues.posts.isPaused(), false);
  });

  it('refuses (403, not 500) a queue change whose Origin is null or malformed', async () => {
    const c = new ConsoleClient(t.url);
    await c.signIn(PEOPLE.admin.name, PEOPLE.admin.password);
    for (const origin of ['null', 'not a url']) {
      const res = await c.request('PUT', '/admin/queues/api/queues/posts/pause', { headers: { origin } });
      assert.equal(res.status, 403, origin);
    }
    assert.equal(await t.herald.queues.posts.isPaused(), false);
  });

  it('shows Bull Board’s Redis INFO to admins only', async () => {
    const viewer = new ConsoleClient(t.url);
    await viewer.signIn(PEOPLE.viewer.name, PEOPLE.viewer.password);
    assert.equal((await viewer.get('/admin/queues/api/redis/stats')).status, 403);
    const admin = new ConsoleClient(t.url);
    await admin.signIn(PEOPLE.admin.name, PEOPLE.admin.password);
    assert.equal((await admin.get('/admin/queues/api/redis/stats')).status, 200);
  });

  it('turns /healthz/x red with the reason, and /metrics says so, while the posts queue is paused', async () => {
    await t.herald.queues.posts.pause();
    try {
      const health = await t.get('/healthz/x', { authorization: '' });
      assert.equal(health.status, 503);
      assert.equal(health.body.status, 'paused');
      assert.deepEqual(health.body.pausedQueues, ['posts']);
      assert.match(health.body.reason, /posts queue is paused/);
      const metrics = await (await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${API_TOKEN}` } })).text();
      assert.match(metrics, /herald_queue_paused\{queue="posts"\} 1/);
    } finally {
      await t.herald.queues.posts.resume();
    }
    assert.equal((await t.get('/healthz/x', { authorization: '' })).status, 200);
  });

  it('refuses an event added to the queue by hand with a hostile service, and tweets nothing', async () => {
    const hostile = { ...event({ service: '@elonmusk #pwned https://evil.example/x <script>alert(1)</script>' }), source: 'generic', receivedAt: new Date().toISOString() } as AlertEvent;
    const job = await t.herald.queues.events.add('open', hostile, { jobId: 'by-hand-hostile' });
    await t.waitFor(async () => (await job.getState()) === 'failed', 'the hostile job to be refused');
    const failed = await t.herald.queues.events.getJob(job.id!);
    assert.match(failed!.failedReason, /service/);
    assert.equal(failed!.attemptsMade, 1, 'refused once, not retried');
    assert.equal((await t.get(`/api/incidents/${hostile.key}`)).status, 404);
    await settled(t);
    assert.equal(t.fakeX.posts.length, 0);
  });

  it('still applies an event a webhook would accept when it is added by hand', async () => {
    const fine = { ...event(), source: 'generic', receivedAt: new Date().toISOString() } as AlertEvent;
    await t.herald.queues.events.add('open', fine, { jobId: 'by-hand-fine' });
    await t.fakeX.waitForPosts(1);
  });
});

describe('events added to the queue by hand get the bounds of a webhook', () => {
  let t: TestHerald;
  // The production bound (the helper widens it for event()'s fixed day in 2026).
  before(async () => {
    t = await startTestHerald({ HERALD_EVENT_MAX_AGE_DAYS: '7' });
  });
  after(async () => t.close());

  const now = () => new Date().toISOString();
  const forged: [string, (e: AlertEvent) => AlertEvent, RegExp][] = [
    ['`at: 1971-01-01`', (e) => ({ ...e, at: '1971-01-01T00:00:00+09:00', receivedAt: now() }), /at: 1971-01-01T00:00:00\.000\+09:00 is more than 7 days before it arrived/],
    ['`at` and `receivedAt` both in 1971', (e) => ({ ...e, at: '1971-01-01T00:00:00Z', receivedAt: '1971-01-01T00:00:00Z' }), /receivedAt: 1971-01-01T00:00:00Z is more than 7 days before/],
    ['`at` an hour ahead', (e) => ({ ...e, at: new Date(Date.now() + 3600_000).toISOString(), receivedAt: now() }), /is more than 10 minutes after it arrived/],
    ["`source: 'maintenance'`, a source no webhook writes", (e) => ({ ...e, source: 'maintenance', at: now(), receivedAt: now() }), /source/],
    ["`source: 'console'`, what a person did", (e) => ({ ...e, source: 'console', at: now(), receivedAt: now() }), /source/],
  ];
  for (const [what, forge, why] of forged) {
    it(`refuses an event added to the queue by hand with ${what}, as a webhook would, and tweets nothing`, async () => {
      const job = await t.herald.queues.events.add('open', forge({ ...event(), source: 'generic' } as AlertEvent), { jobId: `by-hand-${what.replace(/\W+/g, '-')}` });
      await t.waitFor(async () => (await job.getState()) === 'failed', 'the forged job to be refused');
      const failed = await t.herald.queues.events.getJob(job.id!);
      assert.match(failed!.failedReason, why);
      assert.equal(failed!.attemptsMade, 1, 'refused once (UnrecoverableError), not retried');
      assert.equal((await t.get(`/api/incidents/${job.data.key}`)).status, 404);
      await settled(t);
      assert.equal(t.fakeX.posts.length, 0);
    });
  }

  it('still applies a webhook source\'s event with believable times', async () => {
    await t.herald.queues.events.add('open', { ...event(), source: 'alertmanager', at: now(), receivedAt: now() } as AlertEvent, { jobId: 'by-hand-believable' });
    await t.fakeX.waitForPosts(1);
  });
});
