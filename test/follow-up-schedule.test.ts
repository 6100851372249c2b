import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_FOLLOW_UPS, fixedCadence, nextFollowUpMs, parseFollowUpSchedule } from '../src/incidents/follow-up-schedule.ts';
import { loadSettings } from '../src/config.ts';
import { previewSettings } from '../src/cli-settings.ts';

const SEOUL = 'Asia/Seoul';
const ms = (iso: string) => Date.parse(iso);
const iso = (n: number | undefined) => (n === undefined ? undefined : new Date(n).toISOString());
/** The next follow-up after a post at `from`, for an outage opened at `opened`, in Seoul. */
const next = (opened: string, from: string, schedule = DEFAULT_FOLLOW_UPS) => iso(nextFollowUpMs(schedule, ms(opened), ms(from), SEOUL));

describe('the default follow-up schedule', () => {
  const opened = '2025-07-07T10:00:00+09:00';
  it('follows up every 30 minutes in the first two hours', () => {
    assert.equal(next(opened, '2025-07-07T10:02:00+09:00'), iso(ms('2025-07-07T10:32:00+09:00')));
    assert.equal(next(opened, '2025-07-07T11:59:00+09:00'), iso(ms('2025-07-07T12:29:00+09:00')));
  });
  it('hourly from two hours to six', () => {
    assert.equal(next(opened, '2025-07-07T12:00:00+09:00'), iso(ms('2025-07-07T13:00:00+09:00')));
    assert.equal(next(opened, '2025-07-07T15:30:00+09:00'), iso(ms('2025-07-07T16:30:00+09:00')));
  });
  it('every two hours after six', () => {
    assert.equal(next(opened, '2025-07-07T16:00:00+09:00'), iso(ms('2025-07-07T18:00:00+09:00')));
  });
  it('no more often than every two hours between midnight and 7 in the audience\'s zone', () => {
    // 23:45 Seoul, 45 minutes in: 30 minutes by day, but 00:15 is at night.
    assert.equal(next('2025-07-06T23:00:00+09:00', '2025-07-06T23:45:00+09:00'), iso(ms('2025-07-07T01:45:00+09:00')));
    // The same moment read in UTC is mid-afternoon: no stretch.
    assert.equal(iso(nextFollowUpMs(DEFAULT_FOLLOW_UPS, ms('2025-07-06T23:00:00+09:00'), ms('2025-07-06T23:45:00+09:00'), 'UTC')), iso(ms('2025-07-07T00:15:00+09:00')));
  });
  it('comes back with the morning rather than two hours after the last night post', () => {
    assert.equal(next('2025-07-07T05:00:00+09:00', '2025-07-07T06:10:00+09:00'), iso(ms('2025-07-07T07:00:00+09:00')));
  });
  it('posts a 25-hour outage a dozen times or so, not 50', () => {
    const opened = ms('2025-07-06T21:00:00+09:00');
    let at = opened + 2 * 60_000;
    let count = 0;
    while (at < opened + 25 * 3600_000) {
      at = nextFollowUpMs(DEFAULT_FOLLOW_UPS, opened, at, SEOUL)!;
      count += 1;
    }
    assert.ok(count >= 10 && count <= 16, `${count} follow-ups`);
  });
});

describe('follow-up settings', () => {
  it('reads a schedule and quiet hours', () => {
    assert.deepEqual(parseFollowUpSchedule('15m until 1h, 1h30m', '22-06 3h'), {
      steps: [{ everyMs: 15 * 60_000, untilMs: 3600_000 }, { everyMs: 90 * 60_000 }],
      quiet: { fromHour: 22, toHour: 6, everyMs: 3 * 3600_000 },
    });
    assert.deepEqual(parseFollowUpSchedule('1h', 'off'), { steps: [{ everyMs: 3600_000 }] });
  });
  it('says what is wrong with a schedule it cannot read', () => {
    assert.match(String(parseFollowUpSchedule('30m until 2h', 'off')), /last step .* no "until"/);
    assert.match(String(parseFollowUpSchedule('30m, 1h', 'off')), /needs "until <age>"/);
    assert.match(String(parseFollowUpSchedule('30m until 2h, 1h until 1h, 2h', 'off')), /later than the one before/);
    assert.match(String(parseFollowUpSchedule('soon', 'off')), /is not "<every> until <age>"/);
    assert.match(String(parseFollowUpSchedule('1h', 'nights')), /"00-07 2h", or "off"/);
    assert.throws(() => loadSettings({ HERALD_FOLLOWUP_SCHEDULE: '30m until 2h' }, ['HERALD_FOLLOWUP_SCHEDULE']), /HERALD_FOLLOWUP_SCHEDULE.*no "until"/s);
  });
  it('takes HERALD_FOLLOWUP_MINUTES as one cadence at every hour, and the paced schedule when it is unset', () => {
    assert.deepEqual(previewSettings({ HERALD_FOLLOWUP_MINUTES: '20' }).thread.followUps.steps, fixedCadence(20 * 60_000).steps);
    assert.equal(previewSettings({ HERALD_FOLLOWUP_MINUTES: '20' }).thread.followUps.quiet, undefined);
    assert.deepEqual(previewSettings({}).thread.followUps.steps, DEFAULT_FOLLOW_UPS.steps);
    assert.deepEqual(previewSettings({ HERALD_FOLLOWUP_MINUTES: '0' }).thread.followUps.steps, []);
  });
});
