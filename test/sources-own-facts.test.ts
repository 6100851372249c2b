/**
 * A monitoring source does not change the facts another source set (issue 25): a generic `update`
 * with `severity: major` on a Grafana incident whose draft waits for approval changes no fact and
 * releases nothing; the refusal is in the journal. The routes file may allow it; people always may.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { applyEvents } from '../src/incidents/alert-rules.ts';
import { parseRouteTable } from '../src/incidents/adapters/routes-file.ts';
import type { AlertEvent, Incident } from '../src/incidents/model.ts';
import { apiCall, tempFile } from './helpers/console.ts';
import { event, startTestHerald, type TestHerald } from './helpers/herald.ts';
import { foldBatches } from './helpers/incidents.ts';
import { deliver, fixture, FIXTURES, routesFile, SECRETS } from './helpers/monitoring.ts';

const T0 = Date.parse('2026-05-20T00:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const ev = (status: AlertEvent['status'], s: number, extra: Partial<AlertEvent> = {}): AlertEvent => ({
  key: 'talk-login', status, service: 'KakaoTalk', feature: 'login', severity: 'minor', at: at(s), source: 'grafana', receivedAt: at(s), ...extra,
});

const fold = (batches: AlertEvent[][], mayChangeFactsOf?: Record<string, string[]>) => foldBatches(batches, { graceMs: 0, reopenWindowMs: 3_600_000, mayChangeFactsOf });

describe('a source changes only the facts it set', () => {
  const firing = ev('open', 0, { alertId: 'grafana:fp1' });
  const announced = (incident: Incident): Incident => ({ ...incident, posts: incident.posts.map((p) => ({ ...p, status: 'posted', tweetId: '1' })) });

  it('refuses a generic update that raises severity and sets the phase, and says so in the journal', () => {
    const { incident, scheduled } = fold([[firing], [ev('update', 60, { source: 'generic', severity: 'major', phase: 'identified', scope: 'partial' })]]);
    assert.equal(incident.severity, 'minor');
    assert.equal(incident.phase, undefined);
    assert.equal(incident.scope, undefined);
    assert.deepEqual(incident.factOwners, { severity: 'grafana', impacts: 'grafana', scope: 'grafana', phase: 'grafana', dataSafety: 'grafana' });
    assert.deepEqual(scheduled, ['open-1']);
    const entry = incident.audit?.find((a) => a.action === 'facts not applied');
    assert.match(entry?.reason ?? '', /generic would change severity \(set by grafana\)/);
  });

  it('an update that would change another source’s facts posts nothing, not even what it may say', () => {
    const first = fold([[firing], [ev('update', 30, { alertId: 'grafana:fp1', phase: 'identified' })]]).incident;
    // An incident from before owners were kept: the scope is nobody's yet, the phase Grafana's (it set it).
    const older: Incident = { ...announced(first), factOwners: { phase: 'grafana' } };
    const applied = applyEvents(older, [ev('update', 60, { source: 'generic', phase: 'monitoring', scope: 'partial' })], { graceMs: 0, reopenWindowMs: 3_600_000 }, new Map())!;
    assert.equal(applied.incident.phase, 'identified');
    assert.equal(applied.incident.scope, 'partial', 'a fact nobody set yet is the sender’s to set');
    assert.deepEqual(applied.scheduled, []);
    const without = applyEvents(older, [ev('update', 60, { source: 'generic', scope: 'partial' })], { graceMs: 0, reopenWindowMs: 3_600_000 }, new Map())!;
    assert.deepEqual(without.scheduled.map((p) => p.kind), ['update'], 'the same news alone is posted');
  });

  it('the source that set a fact may change it, and may add an impact it sees itself', () => {
    const { incident } = fold([[firing], [ev('open', 60, { alertId: 'grafana:fp2', severity: 'critical', phase: 'identified' })], [ev('update', 90, { source: 'generic', feature: 'signup', impacts: [{ feature: 'signup' }] })]]);
    assert.equal(incident.severity, 'critical');
    assert.equal(incident.phase, 'identified');
    assert.deepEqual(incident.impacts?.map((i) => i.feature), ['login', 'signup']);
    assert.equal(incident.audit?.some((a) => a.action === 'facts not applied') ?? false, false);
  });

  it('the routes file may let a source change another’s facts', () => {
    const { incident } = fold([[firing], [ev('update', 60, { source: 'generic', severity: 'major' })]], { generic: ['grafana'] });
    assert.equal(incident.severity, 'major');
  });

  it('the routes file names it under sources, and refuses a typo', () => {
    const base = 'routes:\n  - match: { a: b }\n    service: KakaoTalk\n    feature: login\n    severity: major\n';
    assert.deepEqual(parseRouteTable(`${base}sources:\n  generic:\n    mayChangeFactsOf: [grafana, alertmanager]\n`).table?.mayChangeFactsOf, { generic: ['grafana', 'alertmanager'] });
    const parsed = parseRouteTable(`${base}sources:\n  generic:\n    mayChangeFactsOf: [grafana, alertmanager]\n`);
    assert.deepEqual(parsed.problems, []);
    const typo = parseRouteTable(`${base}sources:\n  generic:\n    mayChangeFactOf: [grafana]\n`);
    assert.equal(typo.table, undefined);
    assert.match(typo.problems.join('\n'), /sources\.generic/);
    assert.match(parseRouteTable(`${base}sources:\n  generic:\n    mayChangeFactsOf: [grafanna]\n`).problems.join('\n'), /sources\.generic\.mayChangeFactsOf\.0/);
  });
});

describe('a generic update on a Grafana incident whose draft waits for approval', () => {
  let t: TestHerald;
  const RULES = 'rules:\n  - source: grafana\n    approval: required\n    timeoutSeconds: 600\n    onTimeout: expire\n  - approval: auto\n';

  before(async () => {
    // A routes file that maps Grafana's labels, and lets nobody change another's facts.
    const routes = routesFile('routes:\n  - sources: [grafana]\n    match: { public: "true" }\n    service: KakaoTalk\n    feature: login\n    severity: minor\n');
    t = await startTestHerald({ GRAFANA_TOKEN: SECRETS.GRAFANA_TOKEN, HERALD_ROUTES: routes, HERALD_APPROVAL_RULES: tempFile('rules.yaml', RULES) });
  });
  after(async () => {
    await t?.close();
  });

  it('changes no fact, releases nothing, and is in the journal; a person may still change the facts', async () => {
    assert.equal((await deliver(t, 'grafana', fixture(FIXTURES.grafana))).status, 202);
    const key = 'kakaotalk-login';
    await t.waitFor(async () => (await t.herald.store.get(key))?.posts[0]?.status === 'draft' || undefined, 'the Grafana draft');
    assert.equal((await t.send(event({ key, status: 'update', feature: 'login', severity: 'major', phase: 'identified' }))).status, 202);
    await t.waitFor(async () => ((await t.herald.store.get(key))?.events ?? 0) >= 2 || undefined, 'the generic update applied');
    const incident = (await t.herald.store.get(key))!;
    assert.equal(incident.severity, 'minor');
    assert.equal(incident.phase, undefined);
    assert.deepEqual(incident.posts.map((p) => [p.id, p.status]), [['open-1', 'draft']]);
    assert.equal(t.fakeX.sentTexts.length, 0);
    const journal = await t.get(`/api/incidents/${key}/journal.json`);
    assert.match(JSON.stringify(journal.body), /facts not applied/);

    const changed = await apiCall(t.url, 'PATCH', `/api/incidents/${key}`, { phase: 'identified' });
    assert.equal(changed.status, 200, changed.text);
    assert.equal((await t.herald.store.get(key))!.phase, 'identified');
  });
});
