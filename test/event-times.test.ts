import assert from 'node:assert/strict';
import { afterEach, describe, it, test } from 'node:test';
import { statedTimes } from '../src/compose/for-incident.ts';
import type { AlertEvent } from '../src/incidents/model.ts';
import { DEFAULT_TIME_BOUNDS } from '../src/incidents/event-times.ts';
import { boundTimes } from '../src/ingest/time-bounds.ts';
import { event, startTestHerald, type TestHerald } from './helpers/herald.ts';

const arrived = '2026-11-27T12:00:00.000Z';
const alert = (at: string): AlertEvent => ({ key: 'k', status: 'open', service: 'KakaoTalk', feature: 'messaging', severity: 'major', at, source: 'alertmanager', receivedAt: arrived });

describe('event times from sources that cannot be told', () => {
  test('a time more than 7 days old is replaced by the arrival time, and the event says why', () => {
    const { events, replaced } = boundTimes([alert('2020-01-01T00:00:00Z')], DEFAULT_TIME_BOUNDS);
    assert.equal(events[0]!.at, arrived);
    assert.match(events[0]!.timeReplaced!, /more than 7 days before/);
    assert.equal(replaced.length, 1);
  });

  test('a time more than 10 minutes ahead is replaced, one within the bounds is kept', () => {
    const { events } = boundTimes([alert('2030-01-01T00:00:00Z'), alert('2026-11-27T11:00:00Z')], DEFAULT_TIME_BOUNDS);
    assert.equal(events[0]!.at, arrived);
    assert.equal(events[1]!.at, '2026-11-27T11:00:00Z');
    assert.equal(events[1]!.timeReplaced, undefined);
  });
});

describe('the times a tweet states', () => {
  test('a resolution stamped before its open states the duration herald saw, not a negative one', () => {
    const times = statedTimes({ openedAt: '2026-11-27T12:00:00Z', resolvedAt: '2026-11-27T11:00:00Z', firstSeenAt: '2026-11-27T12:00:05Z', resolvedSeenAt: '2026-11-27T12:30:00Z' });
    assert.deepEqual(times, { openedAt: '2026-11-27T12:00:05Z', resolvedAt: '2026-11-27T12:30:00Z' });
  });

  test('an open stamped years ahead of its arrival states the arrival time', () => {
    const times = statedTimes({ openedAt: '2030-01-01T00:00:00Z', firstSeenAt: '2026-11-27T12:00:00Z' });
    assert.equal(times.openedAt, '2026-11-27T12:00:00Z');
  });
});

describe('the generic webhook and an implausible at', () => {
  let t: TestHerald;
  afterEach(async () => t.close());

  for (const at of ['2020-01-01T00:00:00+09:00', '2030-01-01T00:00:00+09:00']) {
    it(`refuses at=${at} with a 400 naming the field, and enqueues nothing`, async () => {
      t = await startTestHerald({ HERALD_EVENT_MAX_AGE_DAYS: '7' });
      const res = await t.send(event({ at }));
      assert.equal(res.status, 400);
      assert.match(res.body.details[0], /^at: /);
      assert.equal(await t.queuedEvents(), 0);
    });
  }

  it('accepts an at within the bounds', async () => {
    t = await startTestHerald({ HERALD_EVENT_MAX_AGE_DAYS: '7' });
    assert.equal((await t.send(event({ at: new Date(Date.now() - 3600_000).toISOString() }))).status, 202);
  });
});
