import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiCall, tempFile } from './helpers/console.ts';
import { API_TOKEN, event, settled, startTestHerald, type TestHerald } from './helpers/herald.ts';

const DRAFT_TEXT = 'Unapproved draft words that must stay private';
const summary = (t: TestHerald, headers: Record<string, string> = {}) => fetch(`${t.url}/status/summary.json`, { headers });

describe('the JSON status summary (Statuspage v2 shape)', () => {
  let t: TestHerald;
  let ongoing: ReturnType<typeof event>;
  let fixed: ReturnType<typeof event>;
  let held: ReturnType<typeof event>;
  let windowKey: string;
  before(async () => {
    // Sign-up outages wait for a person: their draft is never posted in this test.
    const rules = tempFile('approval.yaml', 'rules:\n  - feature: signup\n    approval: required\n    timeoutSeconds: 3600\n    onTimeout: expire\n');
    t = await startTestHerald({ HERALD_LOCALE: 'en', HERALD_TIMEZONE: 'Asia/Seoul', HERALD_X_USERNAME: 'herald_status', HERALD_FOLLOWUP_MINUTES: '0', HERALD_API_TOKEN: API_TOKEN, HERALD_APPROVAL_RULES: rules, HERALD_PUBLIC_URL: 'https://status.example.com' });
    fixed = event({ feature: 'login' });
    await t.send(fixed);
    await t.fakeX.waitForPosts(1);
    await t.send({ ...fixed, status: 'resolved', at: '2026-05-20T00:30:00+09:00' });
    await t.fakeX.waitForPosts(2);
    ongoing = event({ severity: 'critical', impacts: [{ feature: 'messaging' }, { feature: 'notifications' }], phase: 'identified' });
    await t.send(ongoing);
    await t.fakeX.waitForPosts(3);
    await settled(t); // before the draft and the window, whose jobs wait (delayed) for hours
    held = event({ feature: 'signup' });
    await t.send(held);
    const draftId = `${held.key}~open-1`;
    await t.waitFor(async () => (await apiCall(t.url, 'GET', '/api/drafts')).body.some((d: { id: string }) => d.id === draftId), 'the sign-up draft');
    assert.equal((await apiCall(t.url, 'PATCH', `/api/drafts/${draftId}`, { text: DRAFT_TEXT })).status, 200);
    const startsAt = new Date(Date.now() + 48 * 3600_000).toISOString();
    const made = await apiCall(t.url, 'POST', '/api/maintenance', { service: 'KakaoTalk PC', feature: 'pc', startsAt, endsAt: new Date(Date.parse(startsAt) + 2 * 3600_000).toISOString(), announceAhead: [] });
    assert.equal(made.status, 201);
    windowKey = made.body.key;
  });
  after(async () => t.close());

  it('is public JSON, cacheable like the feed, with an ETag that answers 304', async () => {
    const res = await summary(t);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(res.headers.get('cache-control'), 'public, max-age=30, stale-while-revalidate=60');
    const tag = res.headers.get('etag');
    assert.ok(tag);
    const again = await summary(t, { 'if-none-match': tag });
    assert.equal(again.status, 304);
    assert.equal(await again.text(), '');
  });

  it('describes the page, its zone and its last update', async () => {
    const body = await (await summary(t)).json();
    assert.equal(body.page.id, 'default');
    assert.equal(body.page.name, 'Service status');
    assert.equal(body.page.url, 'https://status.example.com/status', 'under HERALD_PUBLIC_URL');
    assert.equal(body.page.time_zone, 'Asia/Seoul');
    assert.equal(body.page.updated_at, body.incidents[0].incident_updates[0].created_at, 'the latest tweet, the announcement');
  });

  it('lists the open incident with its announcement as an update, and not the resolved one', async () => {
    const body = await (await summary(t)).json();
    const [open, reply, announcement] = t.fakeX.posts;
    assert.equal(body.incidents.length, 1, 'only unresolved incidents');
    const [incident] = body.incidents;
    assert.equal(incident.id, announcement!.id);
    assert.equal(incident.status, 'identified');
    assert.equal(incident.impact, 'critical');
    assert.equal(incident.shortlink, `https://x.com/herald_status/status/${announcement!.id}`);
    assert.deepEqual(incident.components, ['messaging', 'notifications']);
    assert.deepEqual(incident.incident_updates.map((u: { id: string; status: string; body: string }) => [u.id, u.status, u.body]), [[announcement!.id, 'identified', announcement!.text]]);
    const text = JSON.stringify(body);
    assert.equal(text.includes(open!.id), false, 'the resolved incident is not listed');
    assert.equal(text.includes(reply!.id), false);
  });

  it('marks the components the open incident affects, and sums up the page', async () => {
    const body = await (await summary(t)).json();
    const status = Object.fromEntries(body.components.map((c: { id: string; status: string }) => [c.id, c.status]));
    assert.deepEqual(status, { messaging: 'major_outage', login: 'operational', signup: 'operational', notifications: 'major_outage', pc: 'operational', other: 'operational' });
    assert.equal(body.components.find((c: { id: string }) => c.id === 'signup').name, 'sign-up');
    assert.deepEqual(body.status, { indicator: 'critical', description: 'Major System Outage' });
  });

  it('lists the scheduled maintenance window', async () => {
    const body = await (await summary(t)).json();
    assert.equal(body.scheduled_maintenances.length, 1);
    const [window] = body.scheduled_maintenances;
    assert.equal(window.id, windowKey);
    assert.equal(window.name, 'KakaoTalk PC maintenance');
    assert.equal(window.status, 'scheduled');
    assert.ok(Date.parse(window.scheduled_until) > Date.parse(window.scheduled_for));
  });

  it('never shows an unposted draft, the incident keys or other alert data', async () => {
    const res = await summary(t);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.ok(text.includes(JSON.stringify(t.fakeX.posts[2]!.text)), 'the posted announcement is there');
    assert.equal(text.includes(DRAFT_TEXT), false);
    for (const key of [ongoing.key, fixed.key, held.key]) assert.equal(text.includes(key), false);
  });

  it('changes its ETag when the open incident is resolved, and then reports all operational', async () => {
    const before = (await summary(t)).headers.get('etag');
    await t.send({ ...ongoing, status: 'resolved' });
    await t.fakeX.waitForPosts(4);
    await t.waitFor(async () => (await (await summary(t)).json()).incidents.length === 0, 'the resolution on the page');
    const res = await summary(t);
    assert.notEqual(res.headers.get('etag'), before);
    const body = await res.json();
    assert.deepEqual(body.incidents, []);
    assert.ok(body.components.every((c: { status: string }) => c.status === 'operational'));
    assert.deepEqual(body.status, { indicator: 'none', description: 'All Systems Operational' });
  });
});
