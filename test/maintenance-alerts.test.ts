import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TestHerald } from './helpers/herald.ts';
import { amAlert, amNotification, deliver, SECRETS, suiteHerald } from './helpers/monitoring.ts';

import { API_TOKEN } from './helpers/herald.ts';
const GRACE_S = 1;
const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

async function call(t: TestHerald, method: string, path: string, body?: unknown) {
  const res = await fetch(t.url + path, { method, headers: { authorization: `Bearer ${API_TOKEN}`, ...(body !== undefined && { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

/** Schedules a window on `service` starting in a second, and waits until it has started (its root is out). */
async function windowInProgress(t: TestHerald, service: string, endsInSeconds: number) {
  const made = await call(t, 'POST', '/api/maintenance', { service, feature: 'messaging', startsAt: inSeconds(1), endsAt: inSeconds(endsInSeconds), announceAhead: [] });
  assert.equal(made.status, 201);
  await t.waitFor(async () => (await call(t, 'GET', `/api/maintenance/${made.body.key}`)).body.tweets.length === 1, 'the start notice');
  return made.body.key as string;
}

/** Every event applied and every post due by now out; a window's later notices may still wait (delayed). */
async function drained(t: TestHerald, timeoutMs = 60_000) {
  await t.waitFor(async () => {
    const events = await t.herald.queues.events.getJobCounts('wait', 'active', 'delayed', 'prioritized');
    const posts = await t.herald.queues.posts.getJobCounts('wait', 'active', 'prioritized');
    return Object.values(events).every((n) => n === 0) && Object.values(posts).every((n) => n === 0);
  }, 'events applied and due posts out', timeoutMs);
}

/** Finishes the window so no notice of it waits in the queue for the next test. */
async function finish(t: TestHerald, key: string) {
  assert.equal((await call(t, 'POST', `/api/maintenance/${key}/done`)).status, 200);
  await drained(t);
}

const storm = (service: string, n: number, feature = 'messaging', status: 'firing' | 'resolved' = 'firing') =>
  amNotification(Array.from({ length: n }, (_, i) => amAlert(`${service}-${feature}-${i}`, status, { labels: { service, feature } })));

describe('alerts during scheduled maintenance', () => {
  const herald = suiteHerald(() => ({ ...SECRETS, HERALD_API_TOKEN: API_TOKEN, HERALD_MAINTENANCE_GRACE_SECONDS: String(GRACE_S), HERALD_FOLLOWUP_MINUTES: '0' }));

  it('records an Alertmanager storm for the service and feature under maintenance without posting anything', async () => {
    const t = herald();
    const key = await windowInProgress(t, 'Talk Quiet', 600);
    const before = t.fakeX.posts.length;
    assert.equal((await deliver(t, 'alertmanager', storm('Talk Quiet', 300))).status, 202);
    await drained(t);
    assert.equal(t.fakeX.posts.length, before, 'nothing posted for the storm');
    const incident = (await t.get('/api/incidents/talk-quiet-messaging')).body;
    assert.equal(incident.state, 'open');
    assert.equal(incident.firingAlerts, 300, 'every alert recorded');
    assert.ok(incident.posts.length > 0 && incident.posts.every((p: any) => p.status === 'cancelled' && /scheduled maintenance/.test(p.note)));
    // The work ends as planned: the alerts resolve, quietly too, before the window is finished.
    await deliver(t, 'alertmanager', storm('Talk Quiet', 300, 'messaging', 'resolved'));
    await drained(t);
    assert.equal((await t.get('/api/incidents/talk-quiet-messaging')).body.state, 'resolved');
    await finish(t, key);
    assert.equal(t.fakeX.posts.length, before + 1, 'only the done notice');
  });

  it('announces the storm as an outage, in the maintenance thread, once the window overruns its grace period', async () => {
    const t = herald();
    const key = await windowInProgress(t, 'Talk Overrun', 4);
    const notification = storm('Talk Overrun', 50);
    await deliver(t, 'alertmanager', notification);
    await drained(t);
    const quiet = (await t.get('/api/incidents/talk-overrun-messaging')).body;
    assert.ok(quiet.posts.every((p: any) => p.status === 'cancelled'), 'nothing announced during the window');

    const posts = await t.fakeX.waitForPosts(3, 20_000);
    const thread = await t.waitFor(async () => {
      const view = (await call(t, 'GET', `/api/maintenance/${key}`)).body;
      return view.tweets.length === 2 && view;
    }, 'the done notice recorded');
    assert.deepEqual(thread.tweets.map((tw: any) => tw.kind), ['starting', 'done']);
    const outage = posts[2]!;
    assert.ok(outage.at.getTime() >= Date.parse(thread.endsAt) + GRACE_S * 1000, `not before the grace period is over: ${JSON.stringify({ posts, thread })}`);
    assert.equal(outage.inReplyTo, thread.tweets[1].id, 'a reply in the maintenance thread');
    assert.match(outage.text, /Talk Overrun/);

    await deliver(t, 'alertmanager', notification); // Alertmanager repeats the group
    await deliver(t, 'alertmanager', storm('Talk Overrun', 60)); // and more alerts join
    await drained(t);
    assert.equal(t.fakeX.posts.length, 3, 'one announcement for the whole storm');
  });

  it('announces an alert for a feature the window does not cover, in the maintenance thread', async () => {
    const t = herald();
    const key = await windowInProgress(t, 'Talk Partly', 600);
    const root = (await call(t, 'GET', `/api/maintenance/${key}`)).body.tweets[0];
    await deliver(t, 'alertmanager', storm('Talk Partly', 3, 'login'));
    const posts = await t.fakeX.waitForPosts(2, 15_000);
    assert.equal(posts.at(-1)!.inReplyTo, root.id);
    await finish(t, key);
  });
});
