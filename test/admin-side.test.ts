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
