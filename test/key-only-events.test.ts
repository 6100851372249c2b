import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { applyEvents } from '../src/incidents/alert-rules.ts';
import type { IncomingEvent } from '../src/incidents/model.ts';
import { event, settled, startTestHerald, type TestHerald } from './helpers/herald.ts';

describe('the incident rules complete a key-only event from its incident', () => {
  const rules = { graceMs: 120_000, reopenWindowMs: 3_600_000 };
  const when = (s: number) => new Date(Date.parse('2026-05-20T00:00:00Z') + s * 1000).toISOString();
  const open: IncomingEvent = { key: 'talk-login', status: 'open', service: 'KakaoTalk', feature: 'login', severity: 'critical', at: when(0), receivedAt: when(0), source: 'generic' };
  const bare = (status: 'resolved' | 'update', s: number): IncomingEvent => ({ key: 'talk-login', status, at: when(s), receivedAt: when(s), source: 'generic' });

  it('resolves an incident whose open came just before in the same batch, leaving nothing unknown', () => {
    const unknown: IncomingEvent[] = [];
    const batch = applyEvents(null, [open, bare('resolved', 5)], rules, new Map(), undefined, unknown);
    assert.equal(batch?.incident.state, 'resolved');
    assert.equal(batch?.incident.service, 'KakaoTalk');
    assert.equal(batch?.incident.severity, 'critical');
    assert.deepEqual(batch?.scheduled, [], 'resolved within the grace period: nothing to say');
    assert.deepEqual(unknown, []);
  });

  it('leaves a key-only event out, as unknown, when there is no incident to read its names from', () => {
    const unknown: IncomingEvent[] = [];
    assert.equal(applyEvents(null, [bare('update', 5)], rules, new Map(), undefined, unknown), null);
    assert.deepEqual(unknown, [bare('update', 5)]);
  });
});

describe('a resolve or update of a known incident needs only its key and status', () => {
  let t: TestHerald;
  before(async () => {
    t = await startTestHerald();
  });
  after(async () => t.close());
  beforeEach(async () => {
    await settled(t);
    t.fakeX.reset();
  });

  /** Opens an incident with every field and waits for its announcement. */
  async function opened() {
    const e = event();
    assert.equal((await t.send(e)).status, 202);
    const [root] = await t.fakeX.waitForPosts(1);
    return { e, root: root! };
  }

  it('threads the resolution under the announcement when the resolve brings only key and status', async () => {
    const { e, root } = await opened();
    const res = await t.send({ key: e.key, status: 'resolved' });
    assert.equal(res.status, 202);
    assert.deepEqual(res.body, { incident: e.key, status: 'resolved' });
    const posts = await t.fakeX.waitForPosts(2);
    assert.equal(posts[1]!.inReplyTo, root.id);
    assert.match(posts[1]!.text, /KakaoTalk/);
    const incident = (await t.get(`/api/incidents/${e.key}`)).body;
    assert.equal(incident.state, 'resolved');
    assert.equal(incident.service, 'KakaoTalk');
    assert.equal(incident.feature, 'messaging');
    assert.equal(incident.severity, 'major');
  });

  it('posts nothing for an update that brings only key and status (no news), though it is applied', async () => {
    const { e } = await opened();
    assert.equal((await t.send({ key: e.key, status: 'update' })).status, 202);
    await t.waitFor(async () => (await t.get(`/api/incidents/${e.key}`)).body.events === 2, 'the update to be applied');
    await settled(t);
    assert.equal(t.fakeX.posts.length, 1);
    const incident = (await t.get(`/api/incidents/${e.key}`)).body;
    assert.equal(incident.state, 'open');
    assert.equal(incident.severity, 'major');
  });

  it('threads an update that brings only key, status and a new phase, keeping the service it opened with', async () => {
    const { e, root } = await opened();
    assert.equal((await t.send({ key: e.key, status: 'update', phase: 'identified' })).status, 202);
    const posts = await t.fakeX.waitForPosts(2);
    assert.equal(posts[1]!.inReplyTo, root.id);
    assert.match(posts[1]!.text, /KakaoTalk/);
    assert.equal((await t.get(`/api/incidents/${e.key}`)).body.phase, 'identified');
  });

  it('refuses an open that brings only key and status, naming service, severity and feature, and queues nothing', async () => {
    const before = await t.queuedEvents();
    const res = await t.send({ key: 'talk-bare-open', status: 'open' });
    assert.equal(res.status, 400);
    assert.equal(res.body.code, 'HERALD_INVALID_PAYLOAD');
    const details = res.body.details.join('\n');
    assert.match(details, /^service: an open names the service/m);
    assert.match(details, /^severity: an open names the severity/m);
    assert.match(details, /^feature: name the feature, or the impacts/m);
    assert.equal(await t.queuedEvents(), before);
  });

  it('accepts a key-only resolve of an incident herald does not know, posts nothing, and keeps it with the reason', async () => {
    const key = `talk-unknown-${Date.now()}`;
    const res = await t.send({ key, status: 'resolved' });
    assert.equal(res.status, 202);
    assert.deepEqual(res.body, { incident: key, status: 'resolved' });
    const kept = await t.waitFor(async () => (await t.get('/api/alerts/unrouted')).body.alerts.find((a: { labels: { incident?: string } }) => a.labels.incident === key), 'the resolve to be kept');
    assert.equal(kept.status, 'resolved');
    assert.equal(kept.source, 'generic');
    assert.match(kept.reason, new RegExp(`herald knows no incident ${key}`));
    await settled(t);
    assert.equal(t.fakeX.posts.length, 0);
    assert.equal((await t.get(`/api/incidents/${key}`)).status, 404);
  });

  it('still records a resolve of an unknown incident that names its service, feature and severity, as before', async () => {
    const e = event({ status: 'resolved' });
    assert.equal((await t.send(e)).status, 202);
    const incident = await t.waitFor(async () => {
      const r = await t.get(`/api/incidents/${e.key}`);
      return r.status === 200 ? r.body : undefined;
    }, 'the resolve to be recorded');
    assert.equal(incident.state, 'resolved');
    await settled(t);
    assert.equal(t.fakeX.posts.length, 0);
  });
});

describe('a key-only resolve where HERALD_SERVICES pins the names', () => {
  let t: TestHerald;
  before(async () => {
    t = await startTestHerald({ HERALD_SERVICES: 'KakaoTalk' });
  });
  after(async () => t.close());

  it('threads the resolution: its incident named a pinned service when it opened', async () => {
    const e = event();
    await t.send(e);
    const [root] = await t.fakeX.waitForPosts(1);
    assert.deepEqual((await t.send({ key: e.key, status: 'resolved' })).body, { incident: e.key, status: 'resolved' });
    const posts = await t.fakeX.waitForPosts(2);
    assert.equal(posts[1]!.inReplyTo, root!.id);
  });
});
