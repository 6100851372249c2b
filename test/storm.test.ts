import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { settled, sleep, type TestHerald } from './helpers/herald.ts';
import { amAlert, amNotification, deliver, minutesAfterStart, SECRETS, suiteHerald } from './helpers/monitoring.ts';

const STORM = 5000;
const BATCH = 500;

async function incident(t: TestHerald, key: string) {
  return (await t.get(`/api/incidents/${key}`)).body;
}

describe('an alert storm', () => {
  // The production job lock (30 s), not the tests' 5 s: 5000-alert notifications parsed in this
  // same process hold the event loop long enough, beside other test files, for BullMQ to take a
  // running event for stalled and apply it again (a recount, not what this storm is about).
  const herald = suiteHerald(() => ({ ...SECRETS, HERALD_JOB_LOCK_SECONDS: '30' }));

  it(`of ${STORM} Alertmanager alerts for one outage gives exactly one tweet and one reply`, async () => {
    const t = herald();
    const labels = { service: 'Talk Storm' };
    const ids = Array.from({ length: STORM }, (_, i) => `storm-${i}`);
    for (let i = 0; i < STORM; i += BATCH) {
      const res = await deliver(t, 'alertmanager', amNotification(ids.slice(i, i + BATCH).map((id) => amAlert(id, 'firing', { labels }))));
      assert.equal(res.status, 202);
      assert.equal(res.body.accepted, BATCH);
    }
    // Alertmanager repeats the whole group on its repeat interval: one large notification.
    assert.equal((await deliver(t, 'alertmanager', amNotification(ids.map((id) => amAlert(id, 'firing', { labels }))))).status, 202);
    await settled(t, 60_000);
    assert.equal(t.fakeX.posts.length, 1);
    assert.equal((await incident(t, 'talk-storm-messaging')).firingAlerts, STORM);

    const last = ids.at(-1)!;
    const rest = ids.slice(0, -1);
    for (let i = 0; i < rest.length; i += BATCH) {
      await deliver(t, 'alertmanager', amNotification(rest.slice(i, i + BATCH).map((id) => amAlert(id, 'resolved', { labels }))));
    }
    await settled(t, 60_000);
    assert.equal(t.fakeX.posts.length, 1, 'no reply while one alert still fires');
    const open = await incident(t, 'talk-storm-messaging');
    assert.equal(open.state, 'open');
    assert.equal(open.firingAlerts, 1);

    await deliver(t, 'alertmanager', amNotification([amAlert(last, 'resolved', { labels })]));
    const [announcement, reply] = await t.fakeX.waitForPosts(2);
    assert.equal(reply!.inReplyTo, announcement!.id);
    await settled(t);
    assert.equal(t.fakeX.posts.length, 2);
    assert.equal((await incident(t, 'talk-storm-messaging')).events, STORM * 2, 'the repeated notification was recognised as a repeat');
  });
});

describe('flapping alerts end to end', () => {
  const herald = suiteHerald(() => ({ ...SECRETS, HERALD_GRACE_SECONDS: '0.5', HERALD_REOPEN_WINDOW_SECONDS: '3600' }));

  it('posts nothing when the alerts resolve within the grace period', async () => {
    const t = herald();
    const labels = { service: 'Talk Flap' };
    await deliver(t, 'alertmanager', amNotification([amAlert('flap-a', 'firing', { labels }), amAlert('flap-b', 'firing', { labels })]));
    await deliver(t, 'alertmanager', amNotification([amAlert('flap-a', 'resolved', { labels }), amAlert('flap-b', 'resolved', { labels })]));
    await sleep(800);
    await settled(t);
    assert.equal(t.fakeX.posts.length, 0);
    assert.equal((await incident(t, 'talk-flap-messaging')).state, 'resolved');
  });

  it('continues the old thread with "it\'s back" when an alert fires again within the reopen window', async () => {
    const t = herald();
    const labels = { service: 'Talk Reopen' };
    await deliver(t, 'alertmanager', amNotification([amAlert('re-a', 'firing', { labels })]));
    const [open] = await t.fakeX.waitForPosts(1);
    await deliver(t, 'alertmanager', amNotification([amAlert('re-a', 'resolved', { labels })]));
    await t.fakeX.waitForPosts(2);
    await deliver(t, 'alertmanager', amNotification([amAlert('re-a', 'firing', { labels, startsAt: minutesAfterStart(50) })]));
    const posts = await t.fakeX.waitForPosts(3);
    assert.equal(posts[2]!.inReplyTo, open!.id);
    assert.match(posts[2]!.text, /다시|again|back/i);
    await settled(t);
    const api = await incident(t, 'talk-reopen-messaging');
    assert.deepEqual(
      api.posts.map((p: { id: string; status: string }) => [p.id, p.status]),
      [
        ['open-1', 'posted'],
        ['resolved-1', 'posted'],
        ['reopened-1', 'posted'],
      ],
    );
  });
});
