import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { API_TOKEN, event, startTestHerald, type TestHerald } from './helpers/herald.ts';
import { amAlert, amNotification, deliver, SECRETS } from './helpers/monitoring.ts';
import { parsePrometheus, sampleValue } from './helpers/prometheus.ts';
import { ConsoleClient, consoleEnv, PEOPLE } from './helpers/console.ts';
import { HttpReceiver } from './helpers/staff-receivers.ts';

/*
 * The flood a leaked monitoring token makes (issue 25, docs/security.md "What we tried"): one
 * Alertmanager payload of 5,000 public critical alerts with distinct services. Before the cap it
 * made 5,000 incidents, 5,002 drafts, 10,022 staff notices and spent the posting reserve.
 */

const CAP = 20;
const FLOOD = 5000;

/** `n` public critical alerts, each naming a service of its own. */
function floodPayload(n: number, tag: string) {
  return amNotification(Array.from({ length: n }, (_, i) => amAlert(`${tag}${i.toString(16).padStart(6, '0')}`, 'firing', { labels: { service: `Svc ${tag} ${i}`, severity: 'critical' } })));
}

async function metrics(t: TestHerald) {
  const res = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
  return parsePrometheus(await res.text());
}

/** Resolves once the events queue is empty (posts the budget holds back may stay delayed). */
const eventsApplied = (t: TestHerald) =>
  t.waitFor(async () => Object.values(await t.herald.queues.events.getJobCounts('wait', 'active', 'delayed', 'prioritized')).every((n) => n === 0), 'the events to be applied', 30_000);

const incidentCount = (t: TestHerald) => t.redis.zcard(`${t.config.redisPrefix}:incidents`);

function logSink() {
  const lines: string[] = [];
  return { lines, logger: pino({ level: 'warn' }, new Writable({ write: (chunk, _enc, done) => (lines.push(chunk.toString()), done()) })) };
}

describe('a flood of new incidents from one source, with automatic approval', () => {
  let t: TestHerald;
  const logs = logSink();

  before(async () => {
    t = await startTestHerald({ ...SECRETS, HERALD_FLOOD_NEW_INCIDENTS_PER_MINUTE: String(CAP) }, { logger: logs.logger });
  });
  after(async () => t?.close());

  it('opens at most the cap of incidents, keeps the rest from the public, counts them and logs it once', async () => {
    const res = await deliver(t, 'alertmanager', floodPayload(FLOOD, 'a'));
    assert.equal(res.status, 202);
    assert.equal(res.body.accepted, CAP);
    assert.equal(res.body.held, FLOOD - CAP);
    await eventsApplied(t);
    assert.equal(await incidentCount(t), CAP, 'incidents opened');
    assert.equal(sampleValue(await metrics(t), 'herald_flood_held_total', { source: 'alertmanager' }), FLOOD - CAP);
    const floodLines = logs.lines.filter((l) => l.includes('FLOOD: alertmanager'));
    assert.equal(floodLines.length, 1, 'one log line for the minute, not one per alert');
    const unrouted = (await t.get('/api/alerts/unrouted?limit=5')).body.alerts;
    assert.equal(unrouted.length, 5);
    assert.match(unrouted[0].reason, /HERALD_FLOOD_NEW_INCIDENTS_PER_MINUTE/);
  });

  it('leaves the critical reserve of the posting budget to a real outage from elsewhere', async () => {
    // 25 posts per 15 minutes, half kept for replies, 5 in reserve: a flood incident may use 7.
    const usable = 25 - Math.ceil(25 * 0.5) - 5;
    await t.fakeX.waitForPosts(usable, 15_000);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(t.fakeX.posts.length, usable, 'flood announcements stop short of the reserve');
    const real = event({ service: 'KakaoPay', severity: 'critical', status: 'open' });
    assert.equal((await t.send(real)).status, 202);
    const posts = await t.fakeX.waitForPosts(usable + 1, 15_000);
    assert.match(posts.at(-1)!.text, /KakaoPay/);
  });

  it("caps the generic webhook's distinct keys the same way", async () => {
    // The review sent 2,000; 500 show the same and keep the test short on a busy machine.
    const keys = 500;
    const answers: { status: number; body: any }[] = [];
    for (let i = 0; i < keys; i += 50) {
      answers.push(...(await Promise.all(Array.from({ length: Math.min(50, keys - i) }, (_, j) => t.send(event({ key: `gen-flood-${i + j}`, service: `Gen ${i + j}`, severity: 'critical' }))))));
    }
    assert.ok(answers.every((a) => a.status === 202));
    const accepted = answers.filter((a) => a.body.incident !== undefined).length;
    // The webhook above already opened one generic incident; a minute boundary may fall in between.
    assert.ok(accepted <= 2 * CAP, `${accepted} accepted`);
    assert.equal(answers.filter((a) => a.body.held === 1).length, keys - accepted);
    assert.equal(sampleValue(await metrics(t), 'herald_flood_held_total', { source: 'generic' }), keys - accepted);
  });
});

/** Waits, if need be, until a minute has at least 10 s left, so a burst's count falls in one minute. */
async function earlyInMinute(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 10_000) await new Promise((r) => setTimeout(r, left + 100));
}

describe('a flood that crosses the cap one webhook at a time', () => {
  let t: TestHerald;

  before(async () => {
    // A grace period, as in production: the flood is known by the time the first ones would post.
    t = await startTestHerald({ ...SECRETS, HERALD_FLOOD_NEW_INCIDENTS_PER_MINUTE: String(CAP), HERALD_GRACE_SECONDS: '3' });
  });
  after(async () => t?.close());

  it('keeps the reserve from the incidents it opened before it crossed the cap too', async () => {
    await earlyInMinute();
    const answers = [];
    for (let i = 0; i <= CAP; i++) answers.push(await t.send(event({ key: `one-by-one-${i}`, service: `One ${i}`, severity: 'critical' })));
    assert.deepEqual(answers.map((a) => a.body.held ?? 0), [...Array(CAP).fill(0), 1], 'the first 20 open, the 21st is held');
    const usable = 25 - Math.ceil(25 * 0.5) - 5;
    await t.fakeX.waitForPosts(usable, 15_000);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(t.fakeX.posts.length, usable, 'the 20 opened before the crossing leave the reserve');
    const real = amNotification([amAlert('real-0001', 'firing', { labels: { service: 'KakaoPay', severity: 'critical' } })]);
    assert.equal((await deliver(t, 'alertmanager', real)).status, 202);
    const posts = await t.fakeX.waitForPosts(usable + 1, 15_000);
    assert.match(posts.at(-1)!.text, /KakaoPay/);
  });
});

describe('a flood of new incidents under required approval', () => {
  let t: TestHerald;
  let hook: HttpReceiver;

  before(async () => {
    hook = await new HttpReceiver().start('/hooks/herald');
    t = await startTestHerald({
      ...(await consoleEnv()),
      ...SECRETS,
      HERALD_FLOOD_NEW_INCIDENTS_PER_MINUTE: String(CAP),
      HERALD_CONSOLE_URL: 'https://herald.example.test',
      HERALD_STAFF_WEBHOOK_URL: hook.url,
      HERALD_STAFF_DIGEST_AFTER: '5',
      HERALD_STAFF_DIGEST_SECONDS: '3',
    });
  });
  after(async () => {
    await t?.close();
    await hook?.close();
  });

  it('tells staff of a few drafts one by one and of the rest, and of the held incidents, in a digest', async () => {
    // 1,000 rather than 5,000: the drafts are the cap's 20 either way, and the machine is shared.
    const flood = 1000;
    assert.equal((await deliver(t, 'alertmanager', floodPayload(flood, 'b'))).status, 202);
    const digests = () => hook.received.filter((r) => r.json?.event === 'drafts.digest');
    const waiting = () => hook.received.filter((r) => r.json?.event === 'draft.waiting');
    const told = () => waiting().length + digests().reduce((n, d) => n + d.json.drafts, 0);
    await t.waitFor(async () => told() === CAP && digests().some((d) => d.json.held.alertmanager), 'every draft and the held incidents told', 40_000);
    // A window or two of 3 s: at most 5 notices of their own in each, then one digest each.
    assert.ok(waiting().length <= 10, `${waiting().length} notices of their own`);
    assert.ok(digests().length <= 3, `${digests().length} digests`);
    assert.equal(digests().reduce((n, d) => n + (d.json.held.alertmanager ?? 0), 0), flood - CAP);
    assert.equal(digests()[0]!.json.link, 'https://herald.example.test/console');
    await eventsApplied(t);
    assert.equal(await incidentCount(t), CAP);
    // Whoever opens the console sees the flood on every page while it lasts.
    const browser = new ConsoleClient(t.url);
    await browser.signIn(PEOPLE.viewer.name, PEOPLE.viewer.password);
    const page = await browser.get('/console');
    assert.match(page.text, /data-flood="alertmanager">Flood from alertmanager: 980 new incidents were kept from the public/);
    // Nothing more arrives: the notices stay bounded.
    const before = hook.received.length;
    await new Promise((r) => setTimeout(r, 4000));
    assert.equal(hook.received.length, before);
  });
});
