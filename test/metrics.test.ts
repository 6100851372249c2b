import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { API_TOKEN, event, settled, startTestHerald, type TestHerald } from './helpers/herald.ts';
import { parsePrometheus, sampleValue, scrape } from './helpers/prometheus.ts';
import { heraldVersion } from '../src/version.ts';

describe('/metrics', () => {
  let t: TestHerald;
  before(async () => {
    t = await startTestHerald();
  });
  after(async () => t.close());

  it('answers in the Prometheus text format', async () => {
    const res = await fetch(`${t.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const names = new Set(parsePrometheus(await res.text()).map((s) => s.name));
    assert.ok(names.has('herald_queue_jobs'), 'queue depth is reported');
  });

  it('names the herald version and the Node.js that runs it in herald_build_info', async () => {
    const samples = await scrape(t.url);
    assert.equal(sampleValue(samples, 'herald_build_info', { version: heraldVersion, node: process.versions.node }), 1);
  });

  it('counts webhooks by source and outcome', async () => {
    const before = await scrape(t.url);
    const count = (samples: typeof before, outcome: string) => sampleValue(samples, 'herald_webhooks_total', { source: 'generic', outcome }) ?? 0;
    await t.send(event());
    await t.send({ ...event(), severity: 'apocalyptic' });
    await t.send(event(), { headers: { authorization: 'Bearer wrong' } });
    const now = await scrape(t.url);
    assert.deepEqual(
      ['accepted', 'invalid', 'unauthorized'].map((o) => count(now, o) - count(before, o)),
      [1, 1, 1],
    );
  });

  it('measures the time from the first alert to the announcement being live', async () => {
    await settled(t);
    t.fakeX.reset();
    const before = sampleValue(await scrape(t.url), 'herald_time_to_announce_seconds_count') ?? 0;
    await t.send(event());
    await t.fakeX.waitForPosts(1);
    const samples = await t.waitFor(async () => {
      const s = await scrape(t.url);
      return sampleValue(s, 'herald_time_to_announce_seconds_count') === before + 1 ? s : undefined;
    }, 'the announcement to be timed');
    assert.equal(sampleValue(samples, 'herald_time_to_announce_seconds_bucket', { le: '+Inf' }), before + 1);
  });

  it('counts posts by outcome and network, including the reason X refused one', async () => {
    const before = await scrape(t.url);
    const count = (samples: typeof before, outcome: string) => sampleValue(samples, 'herald_posts_total', { outcome, network: 'x' }) ?? 0;
    await settled(t);
    t.fakeX.reset();
    t.fakeX.failNext('500');
    await t.send(event());
    await t.fakeX.waitForPosts(1);
    await settled(t);
    const now = await scrape(t.url);
    assert.equal(count(now, 'server-error') - count(before, 'server-error'), 1);
    assert.equal(count(now, 'posted') - count(before, 'posted'), 1);
  });

  it('reads the rate-limit budget and the drafts waiting from the hooks other parts fill in', async () => {
    t.herald.metrics.setRateBudgetSource(() => [{ window: '24h-user', remaining: 42 }]);
    t.herald.metrics.setDraftsWaitingSource(async () => ({ count: 3, pastHalfDeadline: 1 }));
    const samples = await scrape(t.url);
    assert.equal(sampleValue(samples, 'herald_rate_limit_remaining', { window: '24h-user' }), 42);
    assert.equal(sampleValue(samples, 'herald_drafts_waiting'), 3);
    assert.equal(sampleValue(samples, 'herald_drafts_past_half_deadline'), 1);
  });
});

describe('/metrics while posts wait out the grace period', () => {
  let t: TestHerald;
  before(async () => {
    t = await startTestHerald({ HERALD_GRACE_SECONDS: '3600', HERALD_METRICS_TOKEN: 'scrape-token' });
  });
  after(async () => t.close());

  it('reports a waiting announcement as a delayed job of the posts queue', async () => {
    await t.send(event());
    const samples = await t.waitFor(async () => {
      const s = await scrape(t.url, { authorization: 'Bearer scrape-token' });
      return sampleValue(s, 'herald_queue_jobs', { queue: 'posts', state: 'delayed' }) === 1 ? s : undefined;
    }, 'the announcement to be delayed');
    assert.equal(sampleValue(samples, 'herald_queue_jobs', { queue: 'events', state: 'waiting' }), 0);
  });

  it('refuses a scrape without the metrics token when one is configured', async () => {
    const res = await fetch(`${t.url}/metrics`);
    assert.equal(res.status, 401);
  });
});

describe('a worker-only process', () => {
  it('serves /metrics on HERALD_METRICS_PORT', async () => {
    const t = await startTestHerald({ HERALD_METRICS_PORT: '0' }, { role: 'worker' });
    try {
      const samples = await scrape(t.url);
      assert.ok(samples.some((s) => s.name === 'herald_time_to_announce_seconds_count'));
      assert.equal(samples.filter((s) => s.name === 'herald_queue_jobs').length, 0, 'queue depth comes from the api process only');
      assert.equal((await fetch(`${t.url}/webhooks/generic`, { method: 'POST' })).status, 404, 'it takes no webhooks');
    } finally {
      await t.close();
    }
  });
});

describe('Bull Board', () => {
  let t: TestHerald;
  before(async () => {
    t = await startTestHerald();
  });
  after(async () => t.close());

  it('asks a browser to sign in', async () => {
    const res = await fetch(`${t.url}/admin/queues`);
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate') ?? '', /^Basic realm=/);
  });

  it('opens with the API token as the basic-auth password', async () => {
    const res = await fetch(`${t.url}/admin/queues`, { headers: { authorization: `Basic ${Buffer.from(`ops:${API_TOKEN}`).toString('base64')}` } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
  });

  it('lists herald\'s queues to a bearer of the API token', async () => {
    const res = await fetch(`${t.url}/admin/queues/api/queues`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { queues: { name: string }[] };
    assert.deepEqual(body.queues.map((q) => q.name).sort(), ['events', 'followups', 'posts']);
  });

  it('refuses a wrong basic-auth password', async () => {
    const res = await fetch(`${t.url}/admin/queues/api/queues`, { headers: { authorization: `Basic ${Buffer.from('ops:guess').toString('base64')}` } });
    assert.equal(res.status, 401);
  });
});
