import assert from 'node:assert/strict';
import { test } from 'node:test';
import { impactsOf, mergeImpacts } from '../src/incidents/impacts.ts';
import type { AlertEvent, Incident } from '../src/incidents/model.ts';
import { routeAlerts } from '../src/incidents/routing.ts';
import { parseRouteTable } from '../src/incidents/adapters/routes-file.ts';
import { applyEvent } from '../src/incidents/rules.ts';
import { genericSource } from '../src/ingest/generic.ts';
import { eventJobId } from '../src/queues.ts';

const rules = { graceMs: 120_000, reopenWindowMs: 3_600_000 };
const T0 = Date.parse('2026-05-20T07:54:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const ev = (status: AlertEvent['status'], sec: number, extra: Partial<AlertEvent> = {}): AlertEvent => ({
  key: 'talk-outage', status, service: 'KakaoTalk', feature: 'messaging', severity: 'major', at: at(sec), source: 'generic', receivedAt: at(sec), ...extra,
});
const run = (events: AlertEvent[]): Incident => events.reduce<Incident | null>((inc, e) => applyEvent(inc, e, rules).incident, null)!;
const normalize = (body: Record<string, unknown>) => genericSource('t').normalize({ key: 'k', status: 'open', service: 'KakaoTalk', severity: 'major', ...body }, at(0)).events[0]!;

test('an event with only a feature is one impact everywhere', () => {
  assert.deepEqual(impactsOf(run([ev('open', 0)])), [{ feature: 'messaging' }]);
});

test('the generic webhook takes impacts instead of feature, the first one being the feature', () => {
  const e = normalize({ impacts: [{ feature: 'login', platforms: ['pc'] }, { feature: 'messaging' }], scope: 'total', phase: 'identified', dataSafety: 'none-lost' });
  assert.equal(e.feature, 'login');
  assert.deepEqual(e.impacts, [{ feature: 'login', platforms: ['pc'] }, { feature: 'messaging' }]);
  assert.deepEqual([e.scope, e.phase, e.dataSafety], ['total', 'identified', 'none-lost']);
});

test('the generic webhook refuses a body with neither feature nor impacts', () => {
  assert.throws(() => normalize({}), (e: Error & { details?: string[] }) => /^feature:/m.test(e.details!.join('\n')));
});

test('events of one key with other impacts join one incident', () => {
  const incident = run([ev('open', 0), ev('open', 60, { feature: 'login', impacts: [{ feature: 'login', platforms: ['pc'] }] })]);
  assert.deepEqual(incident.impacts, [{ feature: 'messaging' }, { feature: 'login', platforms: ['pc'] }]);
  assert.equal(incident.feature, 'messaging');
});

test('platforms of one feature join, and a feature seen everywhere stays everywhere', () => {
  assert.deepEqual(mergeImpacts([{ feature: 'notifications', platforms: ['ios'] }], [{ feature: 'notifications', platforms: ['android', 'ios'] }]), [{ feature: 'notifications', platforms: ['ios', 'android'] }]);
  assert.deepEqual(mergeImpacts([{ feature: 'login' }], [{ feature: 'login', platforms: ['pc'] }]), [{ feature: 'login' }]);
});

test('a new impact after the announcement schedules a follow-up', () => {
  const announced = run([ev('open', 0)]);
  const posted: Incident = { ...announced, posts: announced.posts.map((p) => ({ ...p, status: 'posted', tweetId: '1', postedAt: at(120) })) };
  const applied = applyEvent(posted, ev('open', 600, { feature: 'login', impacts: [{ feature: 'login', platforms: ['pc'] }] }), rules);
  assert.deepEqual(applied.scheduled.map((p) => p.kind), ['update']);
});

test('a repeated open with nothing new schedules nothing', () => {
  const announced = run([ev('open', 0)]);
  const posted: Incident = { ...announced, posts: announced.posts.map((p) => ({ ...p, status: 'posted', tweetId: '1', postedAt: at(120) })) };
  assert.deepEqual(applyEvent(posted, ev('open', 600), rules).scheduled, []);
});

test('a phase set by an event is kept on the incident, and the resolve may say nothing was lost', () => {
  const incident = run([ev('open', 0, { scope: 'partial' }), ev('update', 60, { phase: 'identified' }), ev('resolved', 120, { dataSafety: 'none-lost' })]);
  assert.deepEqual([incident.scope, incident.phase, incident.dataSafety], ['partial', 'identified', 'none-lost']);
});

test('events differing only in their impacts are not deduplicated', () => {
  const a = ev('open', 0);
  assert.notEqual(eventJobId(a), eventJobId({ ...a, impacts: [{ feature: 'messaging', platforms: ['ios'] }] }));
  assert.notEqual(eventJobId({ ...a, phase: 'identified' }), eventJobId({ ...a, phase: 'monitoring' }));
});

const alert = (labels: Record<string, string>) => ({ source: 'alertmanager', id: labels.alertname ?? 'a', status: 'firing' as const, labels, at: at(0) });

test('the platform, scope and phase labels become the impact of a labelled alert', () => {
  const { events } = routeAlerts(undefined, [alert({ public: 'true', service: 'KakaoTalk', feature: 'notifications', severity: 'major', platform: 'ios', scope: 'partial', phase: 'identified' })], at(0));
  assert.deepEqual(events[0]!.impacts, [{ feature: 'notifications', platforms: ['ios'] }]);
  assert.deepEqual([events[0]!.scope, events[0]!.phase], ['partial', 'identified']);
});

test('unknown platform, scope and phase label values are ignored, never passed on', () => {
  const { events } = routeAlerts(undefined, [alert({ public: 'true', service: 'KakaoTalk', feature: 'login', severity: 'major', platform: 'toaster', scope: 'everyone!', phase: 'panic' })], at(0));
  assert.deepEqual([events[0]!.impacts, events[0]!.scope, events[0]!.phase], [undefined, undefined, undefined]);
});

test('routes naming one incident group put two features of one outage in one incident', () => {
  const { table, problems } = parseRouteTable(`routes:
  - { name: delay, match: { alertname: MsgDelay }, service: KakaoTalk, feature: messaging, severity: critical, incident: talk-outage }
  - { name: pc-login, match: { alertname: PcLogin }, service: KakaoTalk, feature: login, platforms: [pc], severity: major, incident: talk-outage }
`);
  assert.deepEqual(problems, []);
  const { events } = routeAlerts(table, [alert({ alertname: 'MsgDelay' }), alert({ alertname: 'PcLogin' })], at(0));
  assert.equal(events[0]!.key, events[1]!.key);
  assert.deepEqual(events[1]!.impacts, [{ feature: 'login', platforms: ['pc'] }]);
});

test('later events naming only the feature keep an impact to one platform', () => {
  const incident = run([ev('open', 0, { feature: 'notifications', impacts: [{ feature: 'notifications', platforms: ['ios'] }] }), ev('update', 60, { feature: 'notifications', phase: 'identified' })]);
  assert.deepEqual(incident.impacts, [{ feature: 'notifications', platforms: ['ios'] }]);
});
