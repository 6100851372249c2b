import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import type { Incident, Post } from '../src/incidents/model.ts';
import { RedisIncidentStore } from '../src/incidents/adapters/redis-store.ts';
import { expireOldIncidents, type ExpiredIncident } from '../src/incidents/adapters/retention.ts';
import { loadConfig } from '../src/config.ts';
import { deletePrefix, event, REDIS_URL, startTestHerald, type TestHerald } from './helpers/herald.ts';

const DAY = 24 * 3600 * 1000;
const RETENTION = 30 * DAY;

const posted = (id: string, tweetId: string, inReplyTo?: string): Post => ({
  id, kind: id.startsWith('open') ? 'open' : 'resolved', status: 'posted', dueAt: '2026-05-20T00:00:00.000Z', attempts: 1, text: 'text', tweetId, inReplyTo, postedAt: '2026-05-20T00:00:01.000Z',
});

const incident = (key: string, state: Incident['state'], posts: Post[] = []): Incident => ({
  key, service: 'KakaoTalk', feature: 'messaging', severity: 'major', state,
  openedAt: '2026-05-20T00:00:00.000+09:00', resolvedAt: state === 'resolved' ? '2026-05-20T01:00:00.000+09:00' : undefined,
  firstSeenAt: '2026-05-19T15:00:00.000Z', events: 2, posts,
});

describe('retention of settled incidents', () => {
  const prefix = `herald-test-${randomUUID().slice(0, 8)}`;
  let redis: Redis;
  let clock = 0;
  let store: RedisIncidentStore;
  const expired: ExpiredIncident[] = [];
  const save = (i: Incident) => store.update(i.key, () => ({ next: i, result: null }));
  const expireAt = (now: number, batch?: number) =>
    expireOldIncidents({ store, retentionMs: RETENTION, logger: pino({ level: 'silent' }), now: () => now, batch, onExpired: (s) => expired.push(s) });
  const key = () => `inc-${randomUUID().slice(0, 8)}`;

  before(() => {
    redis = new Redis(REDIS_URL);
    store = new RedisIncidentStore(redis, prefix, { now: () => clock });
  });
  after(async () => {
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it('removes a resolved incident settled for longer than the retention, and its index entries', async () => {
    const k = key();
    clock = 0;
    await save(incident(k, 'resolved', [posted('open-1', '100'), posted('resolved-1', '101', '100')]));
    assert.equal(await expireAt(RETENTION + 1), 1);
    assert.equal(await store.get(k), null);
    assert.ok(!(await store.recentKeys(1000)).includes(k));
    assert.equal(await redis.zscore(`${prefix}:settled`, k), null);
  });

  it('hands over what happened and which tweets were posted before an incident goes', async () => {
    const k = key();
    clock = 0;
    await save(incident(k, 'resolved', [posted('open-1', '200'), posted('resolved-1', '201', '200')]));
    await expireAt(RETENTION + 1);
    const summary = expired.find((s) => s.incident === k);
    assert.deepEqual(summary?.tweets.map((t) => [t.kind, t.tweetId, t.inReplyTo]), [['open', '200', null], ['resolved', '201', '200']]);
    assert.equal(summary?.resolvedAt, '2026-05-20T01:00:00.000+09:00');
  });

  it('keeps a resolved incident settled more recently than the retention', async () => {
    const k = key();
    clock = 10 * DAY;
    await save(incident(k, 'resolved'));
    await expireAt(RETENTION + 1);
    assert.equal((await store.get(k))?.state, 'resolved');
  });

  it('never expires an open incident, however old', async () => {
    const k = key();
    clock = 0;
    await save(incident(k, 'open'));
    await expireAt(10 * RETENTION);
    assert.equal((await store.get(k))?.state, 'open');
  });

  it('keeps an incident whose post is still to be delivered', async () => {
    const k = key();
    clock = 0;
    await save(incident(k, 'resolved', [posted('open-1', '300'), { ...posted('resolved-1', '0'), status: 'scheduled', tweetId: undefined }]));
    await expireAt(10 * RETENTION);
    assert.equal((await store.get(k))?.state, 'resolved');
  });

  it('counts the retention from the last change, so an incident that opened again stays', async () => {
    const k = key();
    clock = 0;
    await save(incident(k, 'resolved'));
    clock = 25 * DAY;
    await save({ ...incident(k, 'open'), events: 3 });
    await expireAt(RETENTION + 1);
    assert.equal((await store.get(k))?.state, 'open');
  });

  it('goes on past the first batch until nothing old is left', async () => {
    const keys = Array.from({ length: 7 }, key);
    clock = 0;
    for (const k of keys) await save(incident(k, 'resolved'));
    await expireAt(RETENTION + 1, 2);
    assert.deepEqual(await Promise.all(keys.map((k) => store.get(k))), keys.map(() => null));
  });
});

describe('a running herald with a retention', () => {
  let t: TestHerald;
  before(async () => {
    // 0.00001 days is under a second; the pass runs every 100 ms.
    t = await startTestHerald({ HERALD_RETENTION_DAYS: '0.00001' }, { retentionIntervalMs: 100 });
  });
  after(async () => t.close());

  it('removes a resolved incident once the retention has passed, and answers 404 for it', async () => {
    const e = event();
    await t.send(e);
    await t.fakeX.waitForPosts(1);
    await t.send({ ...e, status: 'resolved' });
    await t.fakeX.waitForPosts(2);
    await t.waitFor(async () => (await t.get(`/api/incidents/${e.key}`)).status === 404, 'the incident to expire');
  });

  it('refuses a retention that is not a positive number of days', () => {
    assert.throws(() => loadConfig({ HERALD_RETENTION_DAYS: '0' }), /HERALD_RETENTION_DAYS/);
  });
});
