import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, beforeEach, describe, it } from 'node:test';
import { pino } from 'pino';
import { apiCall, consoleEnv } from './helpers/console.ts';
import { event, settled, startTestHerald, type TestHerald } from './helpers/herald.ts';
import { HttpReceiver } from './helpers/staff-receivers.ts';

/**
 * A post X refuses for good is never lost silently: a missing parent named only in
 * `errors[].parameters` is a missing parent, and any other refusal of an announcement or a
 * resolution becomes a draft staff hear of, with `/healthz/x` red and an error in the log.
 */
describe('posts X refuses are never silent', () => {
  let t: TestHerald;
  let hook: HttpReceiver;
  const lines: { level: number; msg: string; incident?: string; post?: string }[] = [];

  before(async () => {
    hook = await new HttpReceiver().start('/hooks/herald');
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    t = await startTestHerald(await consoleEnv({ HERALD_APPROVAL: 'auto', HERALD_LOCALE: 'en', HERALD_TIMEZONE: 'UTC', HERALD_STAFF_WEBHOOK_URL: hook.url }), { logger: pino({ level: 'info' }, sink) });
  });
  after(async () => {
    await t?.close();
    await hook?.close();
  });
  beforeEach(() => t.fakeX.reset());

  it('posts a resolution whose parent X says is gone only in errors[].parameters as a new tweet', async () => {
    const e = event();
    await t.send(e);
    const [open] = await t.fakeX.waitForPosts(1);
    await settled(t);
    t.fakeX.deletePost(open!.id, '400-parameters');
    await t.send({ ...e, status: 'resolved' });
    const incident = await t.waitFor(async () => {
      const r = await t.get(`/api/incidents/${e.key}`);
      return r.body?.tweets?.length === 2 ? r.body : undefined;
    }, 'the resolution on X', 20_000);

    assert.equal(t.fakeX.posts.length, 1, 'only the resolution is on X (its parent was deleted)');
    assert.equal(t.fakeX.posts[0]!.inReplyTo, undefined, 'it went out as a new tweet');
    assert.equal(t.fakeX.requests.byStatus['POST /2/tweets 400'], 3, 'three replies were refused before it went out on its own');
    assert.deepEqual(incident.tweets.map((tw: { kind: string }) => tw.kind), ['open', 'resolved']);
  });

  it('makes an announcement X refuses for good a draft staff hear of, with /healthz/x 503 refused and an error line', async () => {
    const e = event();
    t.fakeX.failNext('invalid');
    await t.send(e);
    const id = `${e.key}~open-1`;
    const draft = await t.waitFor(async () => {
      const r = await apiCall(t.url, 'GET', `/api/drafts/${encodeURIComponent(id)}`);
      return r.status === 200 && r.body.status === 'draft' ? r.body : undefined;
    }, 'the refused announcement to wait as a draft', 15_000);
    assert.equal(t.fakeX.posts.length, 0);
    assert.ok(draft.text, 'the draft keeps the text X refused, for a person to correct');

    const health = await t.get('/healthz/x');
    assert.equal(health.status, 503);
    assert.equal(health.body.status, 'refused');
    assert.deepEqual(health.body.refused.map((r: { incident: string; post: string }) => [r.incident, r.post]), [[e.key, 'open-1']]);

    const logged = lines.find((l) => l.level >= 50 && l.incident === e.key && l.post === 'open-1');
    assert.ok(logged, 'an error line names the incident and the post');
    assert.match(logged.msg, /refused this post for good/);
    await t.waitFor(async () => hook.received.some((r) => r.json?.draft === id), 'staff to be told of the draft', 15_000);

    // A person approves it as corrected: it goes out once, and /healthz/x turns green.
    const approved = await apiCall(t.url, 'POST', `/api/drafts/${encodeURIComponent(id)}/approve`, { text: `${draft.text} (corrected)` });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    await t.fakeX.waitForPosts(1, 15_000);
    await t.waitFor(async () => (await t.get('/healthz/x')).status === 200, '/healthz/x back to posting', 15_000);
    assert.equal(t.fakeX.posts.length, 1);
  });

  it('makes a resolution X refuses for good a draft, and a rejected one leaves /healthz/x green', async () => {
    const e = event();
    await t.send(e);
    await t.fakeX.waitForPosts(1);
    await settled(t);
    t.fakeX.failNext('invalid');
    await t.send({ ...e, status: 'resolved' });
    const id = `${e.key}~resolved-1`;
    await t.waitFor(async () => (await t.get('/healthz/x')).body.status === 'refused', '/healthz/x to say refused', 15_000);
    const rejected = await apiCall(t.url, 'POST', `/api/drafts/${encodeURIComponent(id)}/reject`, { reason: 'said on the status page instead' });
    assert.equal(rejected.status, 200, JSON.stringify(rejected.body));
    await t.waitFor(async () => (await t.get('/healthz/x')).status === 200, '/healthz/x back to posting', 15_000);
    assert.equal(t.fakeX.posts.length, 1);
  });
});
