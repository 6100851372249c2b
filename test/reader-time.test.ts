import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatFromNow, formatMoment, formatSpan } from '../src/compose/reader-time.ts';

/** The console's, the status page's and the notices' times, in the tweets' clock words. */
const NOW = Date.parse('2026-12-07T00:00:00Z'); // 9:00 in Seoul
const seoul = (locale: string) => ({ locale, zone: 'Asia/Seoul' });

describe('times as a reader reads them', () => {
  it('leaves out today, writes another day, and the year only when it is not this one', () => {
    assert.deepEqual(
      ['ko', 'ja', 'en'].map((l) => [formatMoment('2026-12-06T22:50:00Z', seoul(l), NOW), formatMoment('2026-12-06T14:05:00Z', seoul(l), NOW), formatMoment('2025-03-01T05:00:00Z', seoul(l), NOW)]),
      [
        ['오전 7시 50분', '12월 6일 밤 11시 5분', '2025년 3월 1일 오후 2시'],
        ['7時50分', '12月6日 23時5分', '2025年3月1日 14時'],
        ['7:50 AM KST', 'Dec 6, 11:05 PM KST', 'Mar 1, 2025, 2:00 PM KST'],
      ],
    );
  });

  it('never writes seconds, AM or GMT in Korean or Japanese', () => {
    for (const l of ['ko', 'ja']) assert.doesNotMatch(formatMoment('2026-12-06T23:14:20Z', seoul(l)), /AM|PM|GMT|초|秒|:\d\d:/);
  });

  it('writes a range within one minute as one time', () => {
    assert.equal(formatSpan('2026-12-06T22:55:00Z', '2026-12-06T22:55:40Z', seoul('ja'), NOW), '7時55分');
    assert.equal(formatSpan('2026-12-06T22:50:00Z', '2026-12-07T01:10:00Z', seoul('ko'), NOW), '오전 7시 50분~오전 10시 10분');
    assert.equal(formatSpan('2026-12-06T22:50:00Z', '2026-12-07T01:10:00Z', seoul('en'), NOW), '7:50 AM – 10:10 AM KST');
  });

  it('says how far off a moment is in whole minutes', () => {
    assert.deepEqual(
      ['ko', 'ja', 'en'].map((l) => [formatFromNow('2026-12-07T00:21:10Z', NOW, l), formatFromNow('2026-12-06T22:55:00Z', NOW, l), formatFromNow('2026-12-07T00:00:20Z', NOW, l)]),
      [
        ['21분 후', '1시간 5분 전', '곧'],
        ['21分後', '1時間5分前', 'まもなく'],
        ['in 21 minutes', '1 hour and 5 minutes ago', 'in a moment'],
      ],
    );
  });
});
