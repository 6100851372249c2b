import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../src/config.ts';
import { parseRouteTable } from '../src/incidents/adapters/routes-file.ts';
import { incidentKeyFor, routeAlert, routeAlerts, type RawAlert, type RouteTable } from '../src/incidents/routing.ts';

const alert = (labels: Record<string, string>, extra: Partial<RawAlert> = {}): RawAlert => ({
  source: 'alertmanager',
  id: 'fp1',
  status: 'firing',
  labels,
  at: '2026-05-20T00:00:00+09:00',
  ...extra,
});

function table(yaml: string): RouteTable {
  const { table, problems } = parseRouteTable(yaml);
  assert.deepEqual(problems, []);
  return table!;
}

describe('routing without a routing file (pinned label rules)', () => {
  it('makes an alert public when it carries public=true and takes service, feature and severity as they are', () => {
    const routed = routeAlert(undefined, alert({ public: 'true', service: 'KakaoTalk', feature: 'login', severity: 'critical' }));
    assert.deepEqual(routed, { public: true, service: 'KakaoTalk', feature: 'login', severity: 'critical', route: 'labels' });
  });

  it('keeps an alert without public=true from the public', () => {
    for (const value of [undefined, 'false', 'True', 'yes']) {
      const labels: Record<string, string> = { service: 'KakaoTalk', feature: 'login', severity: 'critical' };
      if (value !== undefined) labels.public = value;
      const routed = routeAlert(undefined, alert(labels));
      assert.equal(routed.public, false, String(value));
    }
  });

  it('does not rewrite labels: a severity of "warning" or a capitalised feature is not public', () => {
    const warning = routeAlert(undefined, alert({ public: 'true', service: 'KakaoTalk', feature: 'login', severity: 'warning' }));
    assert.equal(warning.public, false);
    assert.match(!warning.public ? warning.reason : '', /severity "warning" is not one of critical, major, minor/);
    const feature = routeAlert(undefined, alert({ public: 'true', service: 'KakaoTalk', feature: 'Login', severity: 'major' }));
    assert.equal(feature.public, false);
  });

  it('never makes public a service label that X would read as a mention, hashtag or link', () => {
    for (const service of ['@everyone', '#outage', 'evil.example.com', 'Talk\nhttps://x.y', ' KakaoTalk']) {
      const routed = routeAlert(undefined, alert({ public: 'true', service, feature: 'login', severity: 'major' }));
      assert.equal(routed.public, false, JSON.stringify(service));
    }
  });
});

describe('routing with a routing file', () => {
  const routes = table(`
routes:
  - name: noise
    match_re: { alertname: "Node.*" }
    public: false
  - name: delivery
    sources: [alertmanager, grafana]
    match: { alertname: DeliveryErrors, env: prod }
    service: KakaoTalk
    feature: messaging
    severity_from: { label: severity, map: { page: critical, warning: minor } }
    severity: major
  - name: pd
    sources: [pagerduty]
    match: { pagerduty_service_id: PQ7XJ2L }
    service: KakaoTalk
    feature: notifications
    severity: minor
`);

  it('maps a matching alert to the route\'s service, feature and severity', () => {
    const routed = routeAlert(routes, alert({ alertname: 'DeliveryErrors', env: 'prod', severity: 'page' }));
    assert.deepEqual(routed, { public: true, service: 'KakaoTalk', feature: 'messaging', severity: 'critical', route: 'delivery' });
  });

  it('falls back to the route\'s severity when the severity label is missing or unmapped', () => {
    const routed = routeAlert(routes, alert({ alertname: 'DeliveryErrors', env: 'prod', severity: 'info' }));
    assert.equal(routed.public && routed.severity, 'major');
  });

  it('lets the first matching route decide, so known noise can be kept private first', () => {
    const routed = routeAlert(routes, alert({ alertname: 'NodeFilesystemAlmostFull', public: 'true' }));
    assert.deepEqual(routed, { public: false, reason: 'route "noise" keeps it from the public', route: 'noise' });
  });

  it('keeps an alert no route matches from the public, whatever its labels say', () => {
    const routed = routeAlert(routes, alert({ public: 'true', service: 'KakaoTalk', feature: 'login', severity: 'major' }));
    assert.equal(routed.public, false);
  });

  it('matches regular expressions against the whole label value', () => {
    const routed = routeAlert(routes, alert({ alertname: 'MyNodeThing' }));
    assert.equal(routed.public, false);
    assert.equal(!routed.public && routed.route, undefined);
  });

  it('honours a route\'s sources', () => {
    const fromDatadog = routeAlert(routes, alert({ alertname: 'DeliveryErrors', env: 'prod' }, { source: 'datadog' }));
    assert.equal(fromDatadog.public, false);
    const fromPagerDuty = routeAlert(routes, alert({ pagerduty_service_id: 'PQ7XJ2L' }, { source: 'pagerduty' }));
    assert.equal(fromPagerDuty.public && fromPagerDuty.feature, 'notifications');
  });

  it('sends public alerts of one service and feature to one incident and records the rest as unrouted', () => {
    const { events, unrouted } = routeAlerts(
      routes,
      [
        alert({ alertname: 'DeliveryErrors', env: 'prod' }, { id: 'a' }),
        alert({ alertname: 'DeliveryErrors', env: 'prod' }, { id: 'b', source: 'grafana', status: 'resolved' }),
        alert({ alertname: 'NodeDown' }, { id: 'c' }),
      ],
      '2026-05-20T00:00:01.000Z',
    );
    assert.deepEqual(
      events.map((e) => [e.key, e.alertId, e.status]),
      [
        ['kakaotalk-messaging', 'alertmanager:a', 'open'],
        ['kakaotalk-messaging', 'grafana:b', 'resolved'],
      ],
    );
    assert.deepEqual(
      unrouted.map((u) => [u.alertId, u.route]),
      [['alertmanager:c', 'noise']],
    );
  });
});

describe('the routing file is checked at start', () => {
  it('names every problem with where it is', () => {
    const { problems } = parseRouteTable(`
routes:
  - name: a
    match: { alertname: X }
    service: "@everyone"
    feature: chat
  - match: { alertname: Z }
    service: KakaoTalk
    feature: login
  - service: KakaoTalk
    feature: login
    severity: major
  - mach: { alertname: Y }
    public: false
`);
    const text = problems.join('\n');
    assert.match(text, /^routes\.0\.service:/m);
    assert.match(text, /^routes\.0\.feature:/m);
    assert.match(text, /^routes\.1\.severity: a public route needs severity/m);
    assert.match(text, /^routes\.2\.match: a public route needs at least one of match, match_re, sources/m);
    assert.match(text, /^routes\.3: .*mach/m);
  });

  it('names a regular expression that does not compile', () => {
    const { problems } = parseRouteTable('routes:\n  - match_re: { alertname: "(" }\n    public: false\n');
    assert.match(problems.join('\n'), /routes\.0\.match_re\.alertname: not a regular expression/);
  });

  it('refuses to start with a routing file that is not valid, listing the problems', () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-routes-'));
    const path = join(dir, 'routes.yaml');
    writeFileSync(path, 'routes:\n  - match: { a: b }\n    service: KakaoTalk\n    feature: messaging\n    severity: huge\n');
    assert.throws(() => loadConfig({ HERALD_ROUTES: path }), (err: unknown) => err instanceof ConfigError && /HERALD_ROUTES \(.*routes\.yaml\) routes\.0\.severity/.test(err.message));
    assert.throws(() => loadConfig({ HERALD_ROUTES: join(dir, 'missing.yaml') }), /HERALD_ROUTES: cannot read/);
  });

  it('accepts the example routing file', () => {
    const config = loadConfig({ HERALD_ROUTES: 'examples/routes.yaml' });
    assert.ok(config.routes!.routes.length > 0);
  });
});

describe('incident keys of routed alerts', () => {
  it('derive from service and feature only', () => {
    assert.equal(incidentKeyFor('KakaoTalk', 'messaging'), 'kakaotalk-messaging');
    assert.equal(incidentKeyFor('KakaoTalk PC', 'pc'), 'kakaotalk-pc-pc');
    assert.equal(incidentKeyFor('카카오톡', 'login'), '카카오톡-login');
  });
});
