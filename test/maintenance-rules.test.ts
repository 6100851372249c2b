import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AlertEvent, Incident, Post } from '../src/incidents/model.ts';
import { applyEvent } from '../src/incidents/rules.ts';
import { announceOverrun, matchWindow, quietDuringMaintenance, type QuietWindow } from '../src/maintenance/quiet.ts';
import { cancelWindow, changeWindow, finishWindow, scheduleWindow } from '../src/maintenance/rules.ts';
import type { MaintenanceWindow } from '../src/incidents/model.ts';
import { windowState } from '../src/maintenance/window.ts';

const at = (iso: string) => Date.parse(iso);
const window = (over: Partial<MaintenanceWindow> = {}): MaintenanceWindow => ({
  service: 'KakaoTalk',
  impacts: [{ feature: 'messaging' }],
  startsAt: '2026-05-20T02:00:00.000Z',
  endsAt: '2026-05-20T04:00:00.000Z',
  announceAhead: ['PT24H', 'PT1H'],
  createdAt: '2026-05-18T00:00:00.000Z',
  ...over,
});
const plan = (posts: Post[]) => posts.map((p) => [p.id, p.dueAt, p.root === true]);
/** Marks the posts due by `nowIso` as posted, as the delivery worker would have. */
function deliveredBy(incident: Incident, nowIso: string): Incident {
  let n = 100;
  return { ...incident, posts: incident.posts.map((p) => (p.status === 'scheduled' && at(p.dueAt) <= at(nowIso) ? { ...p, status: 'posted', tweetId: String(n++), postedAt: p.dueAt } : p)) };
}

describe('the maintenance thread, as pure rules', () => {
  it('plans the reminders, the start and the end, the first reminder as the root', () => {
    const { scheduled } = scheduleWindow('m', window(), ['x'], at('2026-05-18T00:00:00.000Z'));
    assert.deepEqual(plan(scheduled), [
      ['ahead-1', '2026-05-19T02:00:00.000Z', true],
      ['ahead-2', '2026-05-20T01:00:00.000Z', false],
      ['starting-1', '2026-05-20T02:00:00.000Z', false],
      ['done-1', '2026-05-20T04:00:00.000Z', false],
    ]);
  });

  it('collapses ahead notices whose moment has passed into one posted at once', () => {
    const { scheduled } = scheduleWindow('m', window(), ['x'], at('2026-05-20T01:30:00.000Z'));
    assert.deepEqual(plan(scheduled).slice(0, 2), [
      ['ahead-1', '2026-05-20T01:30:00.000Z', true],
      ['starting-1', '2026-05-20T02:00:00.000Z', false],
    ]);
  });

  it('makes the start the root when there is no notice ahead', () => {
    const { scheduled } = scheduleWindow('m', window({ announceAhead: [] }), ['x'], at('2026-05-18T00:00:00.000Z'));
    assert.deepEqual(plan(scheduled), [
      ['starting-1', '2026-05-20T02:00:00.000Z', true],
      ['done-1', '2026-05-20T04:00:00.000Z', false],
    ]);
  });

  it('plans one thread per account, each post named after its account', () => {
    const { scheduled } = scheduleWindow('m', window({ announceAhead: [] }), ['x', 'ja'], at('2026-05-18T00:00:00.000Z'));
    assert.deepEqual(scheduled.map((p) => [p.id, p.account, p.root === true]), [
      ['starting-1', undefined, true],
      ['done-1', undefined, false],
      ['ja.starting-1', 'ja', true],
      ['ja.done-1', 'ja', false],
    ]);
  });

  it('is scheduled, announced, in progress from its start to the second, and done at its end', () => {
    const planned = scheduleWindow('m', window(), ['x'], at('2026-05-18T00:00:00.000Z')).incident;
    assert.equal(windowState(planned, at('2026-05-18T00:00:00.000Z')), 'scheduled');
    const announced = deliveredBy(planned, '2026-05-19T02:00:00.000Z');
    assert.equal(windowState(announced, at('2026-05-19T02:00:00.000Z')), 'announced');
    assert.equal(windowState(announced, at('2026-05-20T01:59:59.999Z')), 'announced');
    assert.equal(windowState(announced, at('2026-05-20T02:00:00.000Z')), 'in-progress');
    assert.equal(windowState(announced, at('2026-05-20T04:00:00.000Z')), 'done');
  });

  it('says it is taking longer, in the thread, when a window in progress is extended', () => {
    const started = deliveredBy(scheduleWindow('m', window(), ['x'], at('2026-05-18T00:00:00.000Z')).incident, '2026-05-20T02:00:00.000Z');
    const { incident, scheduled, cancelled } = changeWindow(started, { endsAt: '2026-05-20T05:00:00.000Z' }, at('2026-05-20T03:30:00.000Z'));
    assert.deepEqual(plan(scheduled), [
      ['extended-1', '2026-05-20T03:30:00.000Z', false],
      ['done-2', '2026-05-20T05:00:00.000Z', false],
    ]);
    assert.deepEqual(cancelled.map((p) => p.id), ['done-1']);
    assert.equal(incident.maintenance!.endsAt, '2026-05-20T05:00:00.000Z');
    assert.deepEqual(scheduled[0]!.notice, { kind: 'extended', startsAt: '2026-05-20T02:00:00.000Z', endsAt: '2026-05-20T05:00:00.000Z' });
  });

  it('replies that the window moved and plans the reminders still ahead of the new start', () => {
    const announced = deliveredBy(scheduleWindow('m', window(), ['x'], at('2026-05-18T00:00:00.000Z')).incident, '2026-05-19T02:00:00.000Z');
    const { scheduled } = changeWindow(announced, { startsAt: '2026-05-21T02:00:00.000Z', endsAt: '2026-05-21T04:00:00.000Z' }, at('2026-05-19T12:00:00.000Z'));
    assert.deepEqual(plan(scheduled), [
      ['moved-1', '2026-05-19T12:00:00.000Z', false],
      ['ahead-3', '2026-05-20T02:00:00.000Z', false],
      ['ahead-4', '2026-05-21T01:00:00.000Z', false],
      ['starting-2', '2026-05-21T02:00:00.000Z', false],
      ['done-2', '2026-05-21T04:00:00.000Z', false],
    ]);
  });

  it('plans a window moved before anyone heard of it afresh, without a "moved" reply', () => {
    const planned = scheduleWindow('m', window(), ['x'], at('2026-05-18T00:00:00.000Z')).incident;
    const { scheduled } = changeWindow(planned, { startsAt: '2026-05-20T03:00:00.000Z' }, at('2026-05-18T01:00:00.000Z'));
    assert.deepEqual(scheduled.map((p) => [p.id, p.root === true]), [['ahead-3', true], ['ahead-4', false], ['starting-2', false], ['done-2', false]]);
  });

  it('refuses to move the start of a window in progress', () => {
    const started = deliveredBy(scheduleWindow('m', window(), ['x'], at('2026-05-18T00:00:00.000Z')).incident, '2026-05-20T02:00:00.000Z');
    assert.throws(() => changeWindow(started, { startsAt: '2026-05-20T02:30:00.000Z' }, at('2026-05-20T02:10:00.000Z')), /only its end can change/);
  });

  it('says done now when finished early, withdrawing the "done" planned for the end', () => {
    const started = deliveredBy(scheduleWindow('m', window(), ['x'], at('2026-05-18T00:00:00.000Z')).incident, '2026-05-20T02:00:00.000Z');
    const { incident, scheduled, cancelled } = finishWindow(started, at('2026-05-20T03:00:00.000Z'));
    assert.deepEqual(plan(scheduled), [['done-2', '2026-05-20T03:00:00.000Z', false]]);
    assert.deepEqual(cancelled.map((p) => p.id), ['done-1']);
    assert.equal(windowState(incident, at('2026-05-20T03:00:00.000Z')), 'done');
  });

  it('replies "cancelled" to an announced window, and withdraws everything silently from one nobody heard of', () => {
    const planned = scheduleWindow('m', window(), ['x'], at('2026-05-18T00:00:00.000Z')).incident;
    const silent = cancelWindow(planned, at('2026-05-18T01:00:00.000Z'));
    assert.deepEqual(silent.scheduled, []);
    assert.equal(silent.incident.posts.every((p) => p.status === 'cancelled'), true);
    const announced = deliveredBy(planned, '2026-05-19T02:00:00.000Z');
    const replied = cancelWindow(announced, at('2026-05-19T12:00:00.000Z'));
    assert.deepEqual(plan(replied.scheduled), [['cancelled-1', '2026-05-19T12:00:00.000Z', false]]);
    assert.equal(windowState(replied.incident, at('2026-05-19T12:00:00.000Z')), 'cancelled');
  });
});

describe('alerts during a window, as pure rules', () => {
  const quietWindow: QuietWindow = {
    key: 'maint-1',
    service: 'KakaoTalk',
    features: ['messaging'],
    startsMs: at('2026-05-20T02:00:00.000Z'),
    endsMs: at('2026-05-20T04:00:00.000Z'),
    threads: new Map([['x', '700']]),
  };
  const GRACE = { maintenance: 10 * 60_000, open: 0 };
  const alert = (receivedAt: string, over: Partial<AlertEvent> = {}): AlertEvent => ({
    key: 'talk-messaging', status: 'open', service: 'kakaotalk', feature: 'messaging', severity: 'major', at: receivedAt, source: 'alertmanager', receivedAt, ...over,
  });
  const RULES = { graceMs: 0, reopenWindowMs: 3600_000 };

  it('covers the same service and feature from the start until the grace period after the end', () => {
    assert.equal(matchWindow([quietWindow], alert('2026-05-20T01:59:59.000Z'), GRACE.maintenance), undefined);
    assert.equal(matchWindow([quietWindow], alert('2026-05-20T02:00:00.000Z'), GRACE.maintenance)?.quiet, true);
    assert.equal(matchWindow([quietWindow], alert('2026-05-20T04:09:59.000Z'), GRACE.maintenance)?.quiet, true);
    assert.equal(matchWindow([quietWindow], alert('2026-05-20T04:10:00.000Z'), GRACE.maintenance)?.quiet, false);
    assert.equal(matchWindow([quietWindow], alert('2026-05-20T03:00:00.000Z', { feature: 'login' }), GRACE.maintenance)?.quiet, false);
    assert.equal(matchWindow([quietWindow], alert('2026-05-20T03:00:00.000Z', { service: 'Other' }), GRACE.maintenance), undefined);
  });

  it('records an outage the window covers with its announcement withdrawn, saying why', () => {
    const event = alert('2026-05-20T03:00:00.000Z');
    const applied = quietDuringMaintenance(applyEvent(null, event, RULES), event, [quietWindow], GRACE);
    assert.deepEqual(applied.scheduled, []);
    assert.equal(applied.incident.posts[0]!.status, 'cancelled');
    assert.match(applied.incident.posts[0]!.note!, /^not announced: scheduled maintenance maint-1/);
  });

  it('announces an uncovered feature as a reply in the maintenance thread', () => {
    const event = alert('2026-05-20T03:00:00.000Z', { feature: 'login' });
    const applied = quietDuringMaintenance(applyEvent(null, event, RULES), event, [quietWindow], GRACE);
    assert.deepEqual(applied.scheduled.map((p) => [p.id, p.replyTo]), [['open-1', '700']]);
  });

  it('announces a held-back outage still open when the window has overrun, in its thread', () => {
    const event = alert('2026-05-20T03:00:00.000Z');
    const held = quietDuringMaintenance(applyEvent(null, event, RULES), event, [quietWindow], GRACE).incident;
    const overrun = announceOverrun(held, quietWindow, '2026-05-20T04:10:00.000Z');
    assert.deepEqual(overrun?.scheduled.map((p) => [p.id, p.dueAt, p.replyTo]), [['open-2', '2026-05-20T04:10:00.000Z', '700']]);
    assert.equal(announceOverrun({ ...held, state: 'resolved' }, quietWindow, '2026-05-20T04:10:00.000Z'), undefined);
  });
});
