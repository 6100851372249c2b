import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import { FOLLOW_UPS_QUEUE } from '../src/queues.ts';
import { followUpDue, followUpsDue, planFollowUp } from '../src/incidents/follow-up-rules.ts';
import { fixedCadence, NO_FOLLOW_UPS } from '../src/incidents/follow-up-schedule.ts';
import type { Incident, Post } from '../src/incidents/model.ts';
import { apiCall, consoleEnv } from './helpers/console.ts';
import { event, REDIS_URL, settled, sleep, startTestHerald, type TestHerald } from './helpers/herald.ts';

const MINUTE = 60_000;
const EVERY_30 = fixedCadence(30 * MINUTE);
const announced: Post = { id: 'open-1', kind: 'open', status: 'posted', dueAt: '2026-05-20T00:02:00.000Z', attempts: 1, text: 'down', tweetId: '100', postedAt: '2026-05-20T00:02:05.000Z' };
const incident = (posts: Post[], state: Incident['state'] = 'open'): Incident => ({
  key: 'k',
  service: 'KakaoTalk',
  feature: 'messaging',
  severity: 'major',
  state,
  openedAt: '2026-05-20T00:00:00.000Z',
  firstSeenAt: '2026-05-20T00:00:00.000Z',
  events: 1,
  posts,
});
const at = (iso: string) => Date.parse(iso);

describe('the follow-up rule', () => {
  it('is due one cadence after the latest post of an open incident', () => {
    assert.deepEqual(followUpDue(incident([announced]), EVERY_30), { afterPostId: 'open-1', dueAt: '2026-05-20T00:32:05.000Z' });
  });

  it('keeps the time an update promised for the next one', () => {
    const update: Post = { ...announced, id: 'update-1', kind: 'update', tweetId: '101', postedAt: '2026-05-20T00:32:09.000Z', nextUpdateAt: '2026-05-20T01:02:05.000Z' };
    assert.equal(followUpDue(incident([announced, update]), EVERY_30)?.dueAt, '2026-05-20T01:02:05.000Z');
  });

  it('is never due for a resolved incident, an unannounced one, one with a post on its way, or with follow-ups off', () => {
    const scheduled: Post = { id: 'update-1', kind: 'update', status: 'scheduled', dueAt: '2026-05-20T00:10:00.000Z', attempts: 0 };
    assert.equal(followUpDue(incident([announced], 'resolved'), EVERY_30), undefined);
    assert.equal(followUpDue(incident([{ ...announced, status: 'scheduled', tweetId: undefined, postedAt: undefined }]), EVERY_30), undefined);
    assert.equal(followUpDue(incident([announced, scheduled]), EVERY_30), undefined);
    assert.equal(followUpDue(incident([announced]), NO_FOLLOW_UPS), undefined);
  });

  it('schedules an update that promises the next one a cadence later', () => {
    const { incident: next, decision } = planFollowUp(incident([announced]), { afterPostId: 'open-1', nowMs: at('2026-05-20T00:32:05.000Z'), schedule: EVERY_30 });
    assert.equal(decision.action, 'schedule');
    assert.deepEqual(next!.posts.at(-1), {
      id: 'update-1',
      kind: 'update',
      status: 'scheduled',
      dueAt: '2026-05-20T00:32:05.000Z',
      attempts: 0,
      nextUpdateAt: '2026-05-20T01:02:05.000Z',
    });
  });

  it('waits when the timer fires early', () => {
    const { decision } = planFollowUp(incident([announced]), { afterPostId: 'open-1', nowMs: at('2026-05-20T00:10:00.000Z'), schedule: EVERY_30 });
    assert.deepEqual(decision, { action: 'wait', untilMs: at('2026-05-20T00:32:05.000Z') });
  });

  it('ignores a timer armed after a post that is no longer the latest', () => {
    const update: Post = { ...announced, id: 'update-1', kind: 'update', tweetId: '101', postedAt: '2026-05-20T00:20:00.000Z' };
    const { decision } = planFollowUp(incident([announced, update]), { afterPostId: 'open-1', nowMs: at('2026-05-20T00:33:00.000Z'), schedule: EVERY_30 });
    assert.equal(decision.action, 'skip');
  });

  it('follows up each account\'s thread on its own, naming the new post after its account', () => {
    const ja: Post = { ...announced, id: 'ja.open-1', account: 'ja', tweetId: '900', postedAt: '2026-05-20T00:03:00.000Z' };
    const both = incident([announced, ja]);
    assert.deepEqual(followUpsDue(both, EVERY_30).map((t) => t.afterPostId), ['open-1', 'ja.open-1']);
    const { decision } = planFollowUp(both, { afterPostId: 'ja.open-1', nowMs: at('2026-05-20T00:33:00.000Z'), schedule: EVERY_30 });
    assert.deepEqual(decision.action === 'schedule' && [decision.post.id, decision.post.account], ['ja.update-1', 'ja']);
  });

  it('stops after a follow-up X refused for good, until something else is posted', () => {
    const failed: Post = { id: 'update-1', kind: 'update', status: 'failed', dueAt: '2026-05-20T00:32:05.000Z', attempts: 1, note: 'X refused' };
    const { decision } = planFollowUp(incident([announced, failed]), { afterPostId: 'open-1', nowMs: at('2026-05-20T01:00:00.000Z'), schedule: EVERY_30 });
    assert.deepEqual(decision, { action: 'skip', reason: 'the last follow-up failed' });
  });
});

describe('follow-ups on a running herald', () => {
  let t: TestHerald;
  let followUps: Queue;
  const CADENCE_MS = 600;
  before(async () => {
    t = await startTestHerald({ HERALD_FOLLOWUP_MINUTES: String(CADENCE_MS / MINUTE), HERALD_LOCALE: 'en', HERALD_TIMEZONE: 'UTC' });
    followUps = new Queue(FOLLOW_UPS_QUEUE, { connection: { url: REDIS_URL }, prefix: t.config.redisPrefix });
  });
  after(async () => {
    await followUps.close();
    await t.close();
  });

  it('threads an update under the announcement while the incident stays open', async () => {
    const e = event();
    await t.send(e);
    const [open, update] = await t.fakeX.waitForPosts(2);
    assert.equal(update!.inReplyTo, open!.id);
    const api = await t.waitFor(async () => {
      const r = await t.get(`/api/incidents/${e.key}`);
      return r.body?.tweets?.length >= 2 ? r : undefined;
    }, 'the update to be recorded');
    assert.equal(api.body.tweets[1].kind, 'update');
    const stored = await t.herald.store.get(e.key);
    assert.ok(stored!.posts[1]!.nextUpdateAt, 'the update promises the next one');
    await t.send({ ...e, status: 'resolved' });
    await settled(t);
  });

  it('says nothing more once the incident resolves', async () => {
    t.fakeX.reset();
    const e = event();
    await t.send(e);
    await t.fakeX.waitForPosts(1);
    await t.send({ ...e, status: 'resolved' });
    await settled(t);
    const said = t.fakeX.posts.length;
    await sleep(CADENCE_MS * 3);
    await settled(t);
    assert.equal(t.fakeX.posts.length, said);
    const api = await t.get(`/api/incidents/${e.key}`);
    assert.equal(api.body.tweets.at(-1).kind, 'resolved', 'the resolution stays the last word');
    assert.equal(await followUps.getDelayedCount(), 0, 'no follow-up waits for a resolved incident');
  });
});

describe('follow-ups where every post needs a person', () => {
  const CADENCE_MS = 600;
  let t: TestHerald;
  before(async () => {
    t = await startTestHerald({ ...(await consoleEnv()), HERALD_FOLLOWUP_MINUTES: String(CADENCE_MS / MINUTE) });
  });
  after(async () => t.close());

  it('waits as a draft like every other post instead of going out by itself', async () => {
    const api = (method: string, path: string) => apiCall(t.url, method, path);
    const e = event();
    await t.send(e);
    const open = await t.waitFor(async () => (await api('GET', '/api/drafts')).body.find((d: any) => d.incident === e.key), 'the announcement draft');
    assert.equal((await api('POST', `/api/drafts/${open.id}/approve`)).status, 200);
    await t.fakeX.waitForPosts(1);
    const update = await t.waitFor(
      async () => (await api('GET', '/api/drafts')).body.find((d: any) => d.incident === e.key && d.kind === 'update'),
      'the follow-up draft',
    );
    assert.match(update.text, /KakaoTalk/);
    assert.equal(t.fakeX.posts.length, 1, 'the follow-up was not posted without approval');
  });
});
