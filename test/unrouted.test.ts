import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { RedisUnroutedLog } from '../src/incidents/adapters/unrouted-store.ts';
import type { UnroutedAlert } from '../src/incidents/routing.ts';
import { deletePrefix, REDIS_URL, settled, startTestHerald, type TestHerald } from './helpers/herald.ts';
import { amAlert, amNotification, deliver, fixture, FIXTURES, SECRETS } from './helpers/monitoring.ts';

describe('alerts kept from the public', () => {
  let t: TestHerald;
  before(async () => {
    t = await startTestHerald({ ...SECRETS });
  });
  after(async () => t.close());

  it('are recorded with the reason and shown by the API, and never tweeted', async () => {
    const res = await deliver(t, 'alertmanager', fixture(FIXTURES.alertmanager));
    assert.equal(res.body.unrouted, 1);
    const api = await t.get('/api/alerts/unrouted');
    assert.equal(api.status, 200);
    const disk = api.body.alerts.find((a: UnroutedAlert) => a.alertId === 'alertmanager:e81b07a2c4d95f13');
    assert.ok(disk, JSON.stringify(api.body));
    assert.equal(disk.status, 'resolved');
    assert.equal(disk.labels.alertname, 'NodeFilesystemAlmostFull');
    assert.match(disk.reason, /public="true"/);
    await settled(t);
    assert.ok(t.fakeX.posts.every((p) => !p.text.includes('var/log')));
  });

  it('are kept once per alert however often monitoring repeats them', async () => {
    const alert = amAlert('repeat-1', 'firing', { labels: { public: 'false' } });
    for (let i = 0; i < 3; i++) await deliver(t, 'alertmanager', amNotification([alert]));
    const api = await t.get('/api/alerts/unrouted?limit=1000');
    assert.equal(api.body.alerts.filter((a: UnroutedAlert) => a.alertId === 'alertmanager:repeat-1').length, 1);
  });

  it('are listed most recently seen first', async () => {
    await deliver(t, 'alertmanager', amNotification([amAlert('older', 'firing', { labels: { public: 'no' } })]));
    await deliver(t, 'alertmanager', amNotification([amAlert('newer', 'firing', { labels: { public: 'no' } })]));
    const api = await t.get('/api/alerts/unrouted?limit=2');
    assert.deepEqual(
      api.body.alerts.map((a: UnroutedAlert) => a.alertId),
      ['alertmanager:newer', 'alertmanager:older'],
    );
  });

  it('are shown only with the API token', async () => {
    assert.equal((await t.get('/api/alerts/unrouted', { authorization: '' })).status, 401);
    assert.equal((await t.get('/api/alerts/unrouted', { authorization: `Bearer ${SECRETS.ALERTMANAGER_TOKEN}` })).status, 401);
  });
});

describe('the record of unrouted alerts', () => {
  const redis = new Redis(REDIS_URL);
  const prefix = `herald-test-${randomUUID().slice(0, 8)}`;
  after(async () => {
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  const unrouted = (id: string, receivedAt: string, labels: Record<string, string> = {}): UnroutedAlert => ({
    source: 'alertmanager',
    alertId: `alertmanager:${id}`,
    status: 'firing',
    at: receivedAt,
    receivedAt,
    labels,
    reason: 'test',
  });

  it('keeps only the most recently seen alerts up to its capacity', async () => {
    const log = new RedisUnroutedLog(redis, prefix, 3);
    await log.record(['a', 'b'].map((id) => unrouted(id, '2026-05-20T00:00:00.000Z')));
    await log.record(['c', 'd', 'e'].map((id) => unrouted(id, '2026-05-20T00:00:01.000Z')));
    assert.deepEqual(
      (await log.latest(10)).map((a) => a.alertId),
      ['alertmanager:e', 'alertmanager:d', 'alertmanager:c'],
    );
    assert.equal(await redis.hlen(`${prefix}:unrouted`), 3);
  });

  it('bounds what it keeps of an alert\'s labels', async () => {
    const log = new RedisUnroutedLog(redis, `${prefix}-labels`);
    const labels = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`l${i}`, 'x'.repeat(5000)]));
    await log.record([unrouted('big', '2026-05-20T00:00:00.000Z', labels)]);
    const [kept] = await log.latest(1);
    assert.equal(Object.keys(kept!.labels).length, 40);
    assert.equal(kept!.labels.l0!.length, 256);
    await deletePrefix(redis, `${prefix}-labels`);
  });
});
