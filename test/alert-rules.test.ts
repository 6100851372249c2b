import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyAlertEvent, type AlertMark } from '../src/incidents/alert-rules.ts';
import { claimPost, recordPosted, type Composer } from '../src/incidents/delivery-rules.ts';
import type { AlertEvent, Incident } from '../src/incidents/model.ts';
import { applyEvent } from '../src/incidents/rules.ts';

const rules = { graceMs: 120_000, reopenWindowMs: 3_600_000 };
const T0 = Date.parse('2026-05-20T00:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const compose: Composer = (_incident, post) => ({ text: `${post.kind} text`, variant: 0 });

/** An alert event: `atSec` is the monitoring time, `receivedSec` when herald got it. */
const alertEvent = (id: string, status: 'open' | 'resolved', atSec: number, receivedSec = atSec, extra: Partial<AlertEvent> = {}): AlertEvent => ({
  key: 'kakaotalk-messaging',
  status,
  service: 'KakaoTalk',
  feature: 'messaging',
  severity: 'major',
  at: at(atSec),
  source: 'alertmanager',
  receivedAt: at(receivedSec),
  alertId: `alertmanager:${id}`,
  ...extra,
});

/** Applies events in order the way the store would, keeping each alert's mark beside the incident. */
class Fold {
  incident: Incident | null = null;
  readonly marks = new Map<string, AlertMark>();
  scheduled: string[] = [];
  cancelled: string[] = [];

  static of(...events: AlertEvent[]): Fold {
    const f = new Fold();
    for (const e of events) f.apply(e);
    return f;
  }

  /** The incident's state and how many of its alerts still fire. */
  expect(state: Incident['state'], firing: number) {
    assert.equal(this.incident!.state, state);
    assert.equal(this.incident!.firingAlerts, firing);
  }

  apply(event: AlertEvent) {
    const applied = applyAlertEvent(this.incident, event, rules, this.marks.get(event.alertId!) ?? null);
    this.incident = applied.incident;
    if (applied.mark) this.marks.set(event.alertId!, applied.mark);
    this.scheduled.push(...applied.scheduled.map((p) => p.id));
    this.cancelled.push(...applied.cancelled.map((p) => p.id));
    return applied;
  }

  deliver(postId: string, nowSec: number, tweetId: string) {
    const { incident, claim } = claimPost(this.incident, postId, T0 + nowSec * 1000, compose);
    assert.equal(claim.action, 'send', `expected to send ${postId}: ${JSON.stringify(claim)}`);
    this.incident = recordPosted(incident, postId, { id: tweetId, postedAt: at(nowSec) });
  }
}

describe('an incident joined by many alerts', () => {
  it('schedules one announcement for a storm of alerts', () => {
    const f = new Fold();
    for (let i = 0; i < 500; i++) f.apply(alertEvent(`a${i}`, 'open', 0, i / 10));
    assert.deepEqual(f.scheduled, ['open-1']);
    assert.equal(f.incident!.firingAlerts, 500);
    assert.equal(f.incident!.events, 500);
  });

  it('stays open while any alert fires and schedules one reply when the last one resolves', () => {
    const f = new Fold();
    for (let i = 0; i < 100; i++) f.apply(alertEvent(`a${i}`, 'open', 0, 1));
    f.deliver('open-1', 130, '100');
    for (let i = 0; i < 99; i++) f.apply(alertEvent(`a${i}`, 'resolved', 600, 600));
    f.expect('open', 1);
    f.apply(alertEvent('a99', 'resolved', 700, 700));
    assert.equal(f.incident!.state, 'resolved');
    assert.deepEqual(f.scheduled, ['open-1', 'resolved-1']);
  });

  it('counts an alert once however often monitoring repeats it', () => {
    const f = new Fold();
    for (let i = 0; i < 5; i++) f.apply(alertEvent('a', 'open', 0, i * 60));
    assert.equal(f.incident!.firingAlerts, 1);
    f.apply(alertEvent('a', 'resolved', 600, 600));
    assert.equal(f.incident!.state, 'resolved');
  });

  it('ignores a resolve for an alert it never heard firing while others fire', () => {
    const f = Fold.of(
      alertEvent('a', 'open', 0),
      alertEvent('stranger', 'resolved', 60, 60),
    );
    f.expect('open', 1);
  });

  it('does not let a firing that arrives after its own resolve reopen the incident', () => {
    const f = Fold.of(
      alertEvent('a', 'open', 0, 0),
      alertEvent('b', 'resolved', 300, 310), // b's firing (at 100) is still in the queue
      alertEvent('b', 'open', 100, 320),
      alertEvent('a', 'resolved', 400, 400),
    );
    f.expect('resolved', 0);
  });

  it('ignores a resolve of an older firing cycle than the one recorded', () => {
    const f = Fold.of(
      alertEvent('a', 'open', 500, 500),
      alertEvent('a', 'resolved', 400, 510),
    );
    assert.equal(f.incident!.state, 'open');
  });

  it('raises the severity when a more severe alert joins', () => {
    const f = Fold.of(
      alertEvent('a', 'open', 0),
      alertEvent('b', 'open', 10, 10, { severity: 'critical' }),
    );
    assert.equal(f.incident!.severity, 'critical');
  });

  it('records a resolve for an incident it never saw, without planning a post', () => {
    const f = Fold.of(
      alertEvent('a', 'resolved', 0),
    );
    assert.equal(f.incident!.state, 'resolved');
    assert.deepEqual(f.scheduled, []);
    f.apply(alertEvent('a', 'open', -60, 5)); // its firing, delivered late
    assert.equal(f.incident!.state, 'resolved');
  });

  it('keeps an incident a person resolved by hand resolved while monitoring repeats its alerts', () => {
    const f = Fold.of(
      alertEvent('a', 'open', 0),
    );
    f.incident = applyEvent(f.incident, alertEvent('a', 'resolved', 200, 200, { alertId: undefined, source: 'generic' }), rules).incident;
    f.apply(alertEvent('a', 'open', 0, 300));
    assert.equal(f.incident!.state, 'resolved');
  });
});

/** Alert `a` fired at 0, was announced, resolved at 600 and the reply went out; `clock` shifts monitoring's times. */
function announcedAndResolved(clock = 0): Fold {
  const f = Fold.of(alertEvent('a', 'open', clock, 0));
  f.deliver('open-1', 120, '100');
  f.apply(alertEvent('a', 'resolved', clock + 600, 600));
  f.deliver('resolved-1', 600, '101');
  return f;
}

describe('flapping alerts', () => {
  it('posts nothing when every alert resolves within the grace period', () => {
    const f = Fold.of(
      alertEvent('a', 'open', 0),
      alertEvent('b', 'open', 5, 5),
      alertEvent('a', 'resolved', 30, 30),
      alertEvent('b', 'resolved', 60, 60),
    );
    assert.equal(f.incident!.state, 'resolved');
    assert.deepEqual(f.scheduled, ['open-1']);
    assert.deepEqual(f.cancelled, ['open-1']);
  });

  it('continues the old thread with a reopened post when an alert fires again within the window', () => {
    const f = announcedAndResolved();
    f.apply(alertEvent('a', 'open', 900, 900));
    assert.deepEqual(f.scheduled, ['open-1', 'resolved-1', 'reopened-1']);
    const { claim } = claimPost(f.incident, 'reopened-1', T0 + 1020_000, compose);
    assert.equal(claim.action === 'send' && claim.post.inReplyTo, '100');
  });

  it('says "resolved" only once when a reopening flaps back within its grace period', () => {
    const f = announcedAndResolved();
    f.apply(alertEvent('a', 'open', 900, 900));
    f.apply(alertEvent('a', 'resolved', 930, 930));
    assert.deepEqual(f.scheduled, ['open-1', 'resolved-1', 'reopened-1']);
    assert.deepEqual(f.cancelled, ['reopened-1']);
    assert.equal(f.incident!.state, 'resolved');
  });

  it('measures the reopen window on herald\'s clock, not on the times monitoring reports', () => {
    const dayBehind = -86_400; // monitoring's clock
    const f = announcedAndResolved(dayBehind);
    f.apply(alertEvent('a', 'open', dayBehind + 900, 900));
    assert.deepEqual(f.scheduled, ['open-1', 'resolved-1', 'reopened-1']);
  });

  it('starts a new thread when an alert fires again after the window', () => {
    const f = announcedAndResolved();
    f.apply(alertEvent('a', 'open', 600 + 7200, 600 + 7200));
    assert.deepEqual(f.scheduled, ['open-1', 'resolved-1', 'open-2']);
  });
});
