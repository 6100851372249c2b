import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findUnsafeEntities } from '../src/compose/sanitize.ts';
import { settled } from './helpers/herald.ts';
import { amAlert, amNotification, deliver, fixture, FIXTURES, minutesAfterStart, pdEvent, routesFile, SECRETS, suiteHerald } from './helpers/monitoring.ts';

/** Free text an attacker (or a careless rule author) could put in labels, annotations and titles. */
const HOSTILE = '@everyone FREE https://evil.example/claim #giveaway $SCAM\nDM @support_fake now';
const HOSTILE_PARTS = ['@', '#', '$', 'http', 'evil', 'FREE', 'giveaway', 'SCAM', 'DM', 'support_fake'];

function assertClean(text: string) {
  assert.deepEqual(findUnsafeEntities(text), [], text);
  for (const part of HOSTILE_PARTS) assert.ok(!text.includes(part), `tweet carries ${JSON.stringify(part)}: ${text}`);
}

const hostileLabels = { instance: HOSTILE, description: HOSTILE, 'team@x': HOSTILE };

describe('no free text from alerts reaches a tweet (pinned label rules)', () => {
  const herald = suiteHerald(() => ({ ...SECRETS }));

  it('tweets only the service, feature, severity and times of a hostile Alertmanager alert', async () => {
    const t = herald();
    const alert = { ...amAlert('sec-am', 'firing', { labels: { ...hostileLabels, service: 'Talk Sec' } }), annotations: { summary: HOSTILE, description: HOSTILE } };
    await deliver(t, 'alertmanager', { ...amNotification([alert]), commonAnnotations: { summary: HOSTILE }, receiver: HOSTILE });
    await deliver(t, 'alertmanager', amNotification([{ ...alert, status: 'resolved', endsAt: minutesAfterStart(30) }]));
    const posts = await t.fakeX.waitForPosts(2);
    for (const post of posts) assertClean(post.text);
  });

  it('tweets nothing of a hostile Grafana title, message or annotations', async () => {
    const t = herald();
    const payload = fixture(FIXTURES.grafana);
    payload.title = payload.message = HOSTILE;
    payload.alerts[0].annotations = { summary: HOSTILE, description: HOSTILE };
    payload.alerts[0].labels = { ...payload.alerts[0].labels, ...hostileLabels, service: 'Talk Sec Grafana' };
    await deliver(t, 'grafana', payload);
    const [post] = await t.fakeX.waitForPosts(1);
    assertClean(post!.text);
  });

  it('tweets nothing of hostile Datadog tags other than the mapped ones', async () => {
    const t = herald();
    const payload = { ...fixture(FIXTURES.datadog), tags: `public:true, service:talk-sec-dd, feature:login, severity:major, note:${HOSTILE.replace(/,/g, ' ')}`, scope: `host:${HOSTILE}` };
    await deliver(t, 'datadog', payload);
    const [post] = await t.fakeX.waitForPosts(1);
    assertClean(post!.text);
  });

  it('keeps an alert whose service label is hostile from the public altogether', async () => {
    const t = herald();
    for (const service of ['@everyone', '#giveaway', 'evil.example', 'Talk\nDM me', 'https://evil.example']) {
      const res = await deliver(t, 'alertmanager', amNotification([amAlert(`sec-svc-${service.length}`, 'firing', { labels: { service } })]));
      assert.equal(res.status, 202);
      assert.equal(res.body.unrouted, 1, JSON.stringify(service));
      assert.deepEqual(res.body.incidents, []);
    }
    await settled(t);
    assert.equal(t.fakeX.posts.length, 0);
  });
});

describe('no free text from alerts reaches a tweet (routing file)', () => {
  const routes = 'routes:\n  - sources: [pagerduty]\n    match: { pagerduty_service_id: PSEC001 }\n    service: KakaoTalk\n    feature: signup\n    severity: major\n';
  const herald = suiteHerald(() => ({ ...SECRETS, HERALD_ROUTES: routesFile(routes) }));

  it('tweets nothing of a hostile PagerDuty title, service name or team', async () => {
    const t = herald();
    const hostile = { title: HOSTILE, service: { id: 'PSEC001', summary: HOSTILE }, teams: [{ id: 'PT1', summary: HOSTILE }], incident_key: HOSTILE };
    await deliver(t, 'pagerduty', pdEvent('incident.triggered', '2026-05-20T03:10:41Z', hostile));
    await deliver(t, 'pagerduty', pdEvent('incident.resolved', '2026-05-20T04:10:41Z', { ...hostile, status: 'resolved' }));
    const posts = await t.fakeX.waitForPosts(2);
    for (const post of posts) assertClean(post.text);
  });
});
