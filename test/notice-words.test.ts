import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RESOLVED_UNANNOUNCED, UNSEEN_OPEN } from '../src/approval/hold.ts';
import { translator } from '../src/console/i18n.ts';
import type { StaffNotice } from '../src/notices/notice.ts';
import { digestWords, noticeWords } from '../src/notices/words.ts';
import { englishWords, machineClock } from './helpers/latin-words.ts';

/**
 * Staff notices (Slack, email, webhook) say everything in the staff's language: every kind and
 * decision, the questions herald asks about a held draft, who decided (the API token too), a
 * reopening, and the time in herald's clock words.
 */

const base: StaffNotice = {
  kind: 'waiting',
  draft: 'talk-1~open-1',
  incident: { key: 'talk-1', service: 'KakaoTalk', feature: 'login', severity: 'major', announcement: false },
  post: { kind: 'open', text: '카카오톡 로그인이 안 되고 있어요.' },
  deadline: '2026-12-07T08:14:20.000Z',
  onTimeout: 'post',
  question: null,
};

const notices: [string, StaffNotice][] = [
  ['a draft waiting', base],
  ['a reminder', { ...base, kind: 'reminder' }],
  ['a reopening waiting', { ...base, post: { kind: 'reopened', text: '다시 문제가 생겼어요.' } }],
  ['a resolution nobody announced', { ...base, post: { kind: 'resolved', text: '복구됐어요.' }, question: RESOLVED_UNANNOUNCED }],
  ['an update for an outage never seen open', { ...base, post: { kind: 'update', text: '확인 중이에요.' }, question: UNSEEN_OPEN }],
  ['approved with the API token', { ...base, kind: 'decided', decision: { at: '2026-12-07T07:55:00.000Z', action: 'approved', actor: 'api-token' } }],
  ['edited by a person', { ...base, kind: 'decided', decision: { at: '2026-12-07T07:55:00.000Z', action: 'edited', actor: 'mina', text: '고쳤어요.' } }],
  ['rejected', { ...base, kind: 'decided', decision: { at: '2026-12-07T07:55:00.000Z', action: 'rejected', actor: 'mina', reason: '중복' } }],
  ['an announcement', { ...base, incident: { ...base.incident, announcement: true }, post: { kind: 'announcement', text: '공지예요.' } }],
];

/** The words of a notice as its channels show them; an API call it names (`POST /api/...`) is code, not prose. */
const read = (words: object) => JSON.stringify(words).replace(/"[a-z]+":/g, ' ').replace(/\b(POST|GET) \/\S+/g, ' ');

describe('staff notices in the staff\'s language', () => {
  for (const locale of ['ko', 'ja'] as const) {
    it(`say nothing in English and write no machine clock in ${locale}`, () => {
      const tr = translator(locale);
      const found: Record<string, string[]> = {};
      for (const [name, notice] of notices) {
        const text = read(noticeWords(notice, tr, 'Asia/Seoul'));
        const words = [...englishWords(text), ...machineClock(text)];
        if (words.length) found[name] = words;
      }
      const digest = read(digestWords({ kind: 'digest', since: '2026-12-07T07:50:00.000Z', drafts: 12, held: { datadog: 3 }, link: 'https://herald.example/console' }, tr, 'Asia/Seoul'));
      const inDigest = [...englishWords(digest.replace('HERALD_FLOOD_NEW_INCIDENTS_PER_MINUTE', '')), ...machineClock(digest)].filter((w) => w !== 'datadog');
      if (inDigest.length) found.digest = inDigest;
      assert.deepEqual(found, {});
    });
  }

  it('names the API token and the questions as the console does', () => {
    const ko = translator('ko');
    assert.match(noticeWords(notices[5]![1], ko, 'Asia/Seoul').title, /^API 토큰/);
    assert.match(noticeWords(notices[3]![1], ko, 'Asia/Seoul').question!, /승인/);
    assert.equal(noticeWords(notices[2]![1], ko, 'Asia/Seoul').facts.at(-1)!.value, '재발 안내');
    assert.match(noticeWords(base, translator('ja'), 'Asia/Seoul').deadline!, /17時14分/);
  });

  it('shows a feature the tweets\' catalog added by its configured name', () => {
    const words = noticeWords({ ...base, incident: { ...base.incident, feature: 'payments' as never } }, translator('ko'), 'Asia/Seoul');
    assert.equal(words.facts[1]!.value, 'payments');
  });
});
