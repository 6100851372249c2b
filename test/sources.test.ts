import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findUnsafeEntities } from '../src/compose/sanitize.ts';
import { settled, type TestHerald } from './helpers/herald.ts';
import { amAlert, amNotification, deliver, fixture, FIXTURES, pdEvent, routesFile, SECRETS, suiteHerald, type MonitoringSource } from './helpers/monitoring.ts';

/** Refusals must leave the queue as it was. */
async function refused(t: TestHerald, send: () => Promise<{ status: number; body: any }>) {
  const before = await t.queuedEvents();
  const res = await send();
  assert.equal(await t.queuedEvents(), before, 'nothing was enqueued');
  return res;
}

async function incident(t: TestHerald, key: string, until: (body: any) => boolean) {
  return t.waitFor(async () => {
    const r = await t.get(`/api/incidents/${encodeURIComponent(key)}`);
    return r.status === 200 && until(r.body) ? r.body : undefined;
  }, `incident ${key} to reach the expected state`);
}

describe('monitoring sources end to end, with the pinned label rules', () => {
  const herald = suiteHerald(() => ({ ...SECRETS }));

  it('turns an Alertmanager notification into a tweet, and its resolve into a reply', async () => {
    const t = herald();
    const payload = fixture(FIXTURES.alertmanager);
    payload.alerts[0].labels.service = 'Talk AM';
    const res = await deliver(t, 'alertmanager', payload);
    assert.equal(res.status, 202);
    assert.deepEqual(res.body, { accepted: 1, incidents: ['talk-am-messaging'], unrouted: 1 });
    const [open] = await t.fakeX.waitForPosts(1);
    assert.match(open!.text, /Talk AM/);

    payload.alerts[0].status = 'resolved';
    payload.alerts[0].endsAt = '2026-05-20T00:49:30.5+09:00';
    assert.equal((await deliver(t, 'alertmanager', payload)).status, 202);
    const posts = await t.fakeX.waitForPosts(2);
    assert.equal(posts[1]!.inReplyTo, open!.id);
    const api = await incident(t, 'talk-am-messaging', (b) => b.tweets.length === 2);
    assert.equal(api.state, 'resolved');
    assert.equal(api.firingAlerts, 0);
  });

  it('takes its own arrival time for an alert whose start is not a real time', async () => {
    const t = herald();
    const before = Date.now();
    for (const startsAt of ['0001-01-01T00:00:00Z', '2999-01-01T00:00:00Z']) {
      const service = `Talk Time ${startsAt.slice(0, 4)}`;
      const res = await deliver(t, 'alertmanager', amNotification([amAlert(`time-${startsAt}`, 'firing', { startsAt, labels: { service } })]));
      const api = await incident(t, res.body.incident, () => true);
      assert.ok(Date.parse(api.openedAt) >= before - 1000, `${startsAt} became ${api.openedAt}`);
    }
  });

  it('accepts Alertmanager basic auth with the token as password', async () => {
    const t = herald();
    const basic = Buffer.from(`alertmanager:${SECRETS.ALERTMANAGER_TOKEN}`).toString('base64');
    const res = await deliver(t, 'alertmanager', amNotification([amAlert('basic1', 'resolved')]), { headers: { authorization: `Basic ${basic}` } });
    assert.equal(res.status, 202);
  });

  it('turns a Grafana notification into a tweet, and its resolve into a reply', async () => {
    const t = herald();
    const payload = fixture(FIXTURES.grafana);
    payload.alerts[0].labels.service = 'Talk Grafana';
    assert.equal((await deliver(t, 'grafana', payload)).status, 202);
    const [open] = await t.fakeX.waitForPosts(1);
    assert.match(open!.text, /Talk Grafana/);
    payload.status = payload.alerts[0].status = 'resolved';
    payload.alerts[0].endsAt = '2026-05-20T08:41:00+09:00';
    assert.equal((await deliver(t, 'grafana', payload)).status, 202);
    const posts = await t.fakeX.waitForPosts(2);
    assert.equal(posts[1]!.inReplyTo, open!.id);
  });

  it('accepts a Grafana notification signed with HMAC, with and without a timestamp', async () => {
    const t = herald();
    const payload = fixture(FIXTURES.grafana);
    payload.alerts[0].labels.public = 'false';
    assert.equal((await deliver(t, 'grafana', payload, { grafanaSignature: {} })).status, 202);
    const now = String(Math.floor(Date.now() / 1000));
    assert.equal((await deliver(t, 'grafana', payload, { grafanaSignature: { timestamp: now } })).status, 202);
  });

  it('refuses a Grafana signature that is wrong or too old', async () => {
    const t = herald();
    const payload = fixture(FIXTURES.grafana);
    const body = JSON.stringify(payload);
    const wrong = await refused(t, () => t.send(body, { path: '/webhooks/grafana', headers: { authorization: '', 'x-grafana-alerting-signature': 'ab'.repeat(32) } }));
    assert.equal(wrong.status, 401);
    const old = String(Math.floor(Date.now() / 1000) - 600);
    assert.equal((await refused(t, () => deliver(t, 'grafana', payload, { grafanaSignature: { timestamp: old } }))).status, 401);
  });

  it('turns a Datadog alert into a tweet, and its recovery into a reply', async () => {
    const t = herald();
    const payload = fixture(FIXTURES.datadog);
    const res = await deliver(t, 'datadog', payload);
    assert.equal(res.status, 202);
    assert.equal(res.body.incident, 'kakaotalk-pc');
    const [open] = await t.fakeX.waitForPosts(1);
    assert.match(open!.text, /kakaotalk/);
    assert.equal((await deliver(t, 'datadog', { ...payload, transition: 'Recovered', date: '1779237000000' })).status, 202);
    const posts = await t.fakeX.waitForPosts(2);
    assert.equal(posts[1]!.inReplyTo, open!.id);
  });

  it('accepts and ignores a Datadog warning', async () => {
    const t = herald();
    const res = await refused(t, () => deliver(t, 'datadog', { ...fixture(FIXTURES.datadog), transition: 'Warn' }));
    assert.equal(res.status, 202);
    assert.equal(res.body.accepted, 0);
  });

  it('refuses a wrong token on every token-authenticated source', async () => {
    const t = herald();
    for (const source of ['alertmanager', 'grafana', 'datadog'] as MonitoringSource[]) {
      const res = await refused(t, () => deliver(t, source, fixture(FIXTURES[source]), { headers: { authorization: 'Bearer not-the-token' } }));
      assert.equal(res.status, 401, source);
    }
  });

  it('refuses an Alertmanager payload of another version, naming the field', async () => {
    const t = herald();
    const res = await refused(t, () => deliver(t, 'alertmanager', { ...fixture(FIXTURES.alertmanager), version: '3' }));
    assert.equal(res.status, 400);
    assert.match(res.body.details.join('\n'), /^version: herald reads Alertmanager webhook payload version "4"/m);
  });

  it('refuses an Alertmanager notification over 8 MiB with 413', async () => {
    const t = herald();
    const payload = { ...fixture(FIXTURES.alertmanager), padding: 'x'.repeat(8 * 1024 * 1024) };
    const res = await refused(t, () => deliver(t, 'alertmanager', payload));
    assert.equal(res.status, 413);
    assert.match(res.body.error, /larger than 8388608 bytes/);
  });

  it('refuses an unknown alert status, naming the alert', async () => {
    const t = herald();
    const payload = fixture(FIXTURES.alertmanager);
    payload.alerts[1].status = 'pending';
    const res = await refused(t, () => deliver(t, 'alertmanager', payload));
    assert.equal(res.status, 400);
    assert.match(res.body.details.join('\n'), /^alerts\.1\.status:/m);
  });
});

describe('monitoring sources end to end, with a routing file', () => {
  const routes = `routes:
  - name: push
    sources: [pagerduty]
    match: { pagerduty_service_id: PQ7XJ2L }
    service: KakaoTalk
    feature: notifications
    severity_from: { label: priority, map: { P1: critical } }
    severity: minor
  - name: delivery
    match: { alertname: MessageDeliveryErrorBudgetBurn }
    service: KakaoTalk
    feature: messaging
    severity: major
  - name: datadog-delivery
    sources: [datadog]
    match: { team: messaging }
    service: KakaoTalk
    feature: messaging
    severity: major
`;
  const herald = suiteHerald(() => ({ ...SECRETS, HERALD_ROUTES: routesFile(routes) }));

  it('turns a PagerDuty incident into a tweet, stays quiet on acknowledge, and replies on resolve', async () => {
    const t = herald();
    const triggered = fixture(FIXTURES.pagerduty);
    const res = await deliver(t, 'pagerduty', triggered);
    assert.equal(res.status, 202);
    assert.equal(res.body.incident, 'kakaotalk-notifications');
    const [open] = await t.fakeX.waitForPosts(1);
    assert.match(open!.text, /KakaoTalk/);
    await deliver(t, 'pagerduty', pdEvent('incident.acknowledged', '2026-05-20T03:12:00Z', { status: 'acknowledged' }));
    await settled(t);
    assert.equal(t.fakeX.posts.length, 1);
    await deliver(t, 'pagerduty', pdEvent('incident.resolved', '2026-05-20T03:55:00Z', { status: 'resolved' }));
    const posts = await t.fakeX.waitForPosts(2);
    assert.equal(posts[1]!.inReplyTo, open!.id);
    const api = await incident(t, 'kakaotalk-notifications', (b) => b.tweets.length === 2);
    assert.equal(api.severity, 'critical');
  });

  it('accepts and ignores PagerDuty events that are not about an incident\'s state', async () => {
    const t = herald();
    for (const type of ['incident.annotated', 'pagey.ping', 'service.updated']) {
      const res = await refused(t, () => deliver(t, 'pagerduty', pdEvent(type, '2026-05-20T03:12:00Z')));
      assert.equal(res.status, 202, type);
      assert.equal(res.body.accepted, 0, type);
    }
  });

  it('refuses a PagerDuty webhook that is unsigned, signed with another secret, or changed after signing', async () => {
    const t = herald();
    const body = JSON.stringify(fixture(FIXTURES.pagerduty));
    const send = (headers: Record<string, string>, text = body) => refused(t, () => t.send(text, { path: '/webhooks/pagerduty', headers: { authorization: '', ...headers } }));
    assert.equal((await send({})).status, 401);
    const { signPagerDuty } = await import('../src/ingest/pagerduty.ts');
    assert.equal((await send({ 'x-pagerduty-signature': signPagerDuty('another-secret', body) })).status, 401);
    assert.equal((await send({ 'x-pagerduty-signature': signPagerDuty(SECRETS.PAGERDUTY_WEBHOOK_SECRET, body) }, body.replace('P1', 'P3'))).status, 401);
  });

  it('accepts a PagerDuty signature among several during a secret rotation', async () => {
    const t = herald();
    const { signPagerDuty } = await import('../src/ingest/pagerduty.ts');
    const body = JSON.stringify(pdEvent('incident.annotated', '2026-05-20T03:12:00Z'));
    const header = `${signPagerDuty('old-secret', body)},${signPagerDuty(SECRETS.PAGERDUTY_WEBHOOK_SECRET, body)}`;
    const res = await t.send(body, { path: '/webhooks/pagerduty', headers: { authorization: '', 'x-pagerduty-signature': header } });
    assert.equal(res.status, 202);
  });

  it('joins alerts from several sources about the same service and feature into one incident and one thread', async () => {
    const t = herald();
    await deliver(t, 'alertmanager', amNotification([amAlert('join-am', 'firing')]));
    const [open] = await t.fakeX.waitForPosts(1);
    const dd = { ...fixture(FIXTURES.datadog), tags: 'team:messaging, env:prod', date: '1779235300000' };
    await deliver(t, 'datadog', dd);
    await deliver(t, 'grafana', { ...fixture(FIXTURES.grafana), alerts: [{ ...fixture(FIXTURES.grafana).alerts[0], labels: { alertname: 'MessageDeliveryErrorBudgetBurn' } }] });
    await settled(t);
    assert.equal(t.fakeX.posts.length, 1, 'one announcement for three sources');
    const firing = await incident(t, 'kakaotalk-messaging', (b) => b.firingAlerts === 3);
    assert.equal(firing.state, 'open');

    await deliver(t, 'alertmanager', amNotification([amAlert('join-am', 'resolved')]));
    await deliver(t, 'datadog', { ...dd, transition: 'Recovered', date: '1779236000000' });
    await settled(t);
    assert.equal(t.fakeX.posts.length, 1, 'no reply while Grafana still fires');
    const grafanaResolved = fixture(FIXTURES.grafana);
    grafanaResolved.alerts[0] = { ...grafanaResolved.alerts[0], status: 'resolved', endsAt: '2026-05-20T09:00:00+09:00', labels: { alertname: 'MessageDeliveryErrorBudgetBurn' } };
    await deliver(t, 'grafana', grafanaResolved);
    const posts = await t.fakeX.waitForPosts(2);
    assert.equal(posts[1]!.inReplyTo, open!.id);
    for (const post of posts) assert.deepEqual(findUnsafeEntities(post.text), []);
  });
});

describe('monitoring routes whose secret is unset', () => {
  const herald = suiteHerald(() => ({}));

  it('answer 404 and enqueue nothing', async () => {
    const t = herald();
    for (const source of ['alertmanager', 'grafana', 'pagerduty', 'datadog'] as MonitoringSource[]) {
      const res = await refused(t, () => deliver(t, source, fixture(FIXTURES[source])));
      assert.equal(res.status, 404, source);
      assert.match(res.body.error, new RegExp(`${source} webhook is not configured`));
    }
  });
});
