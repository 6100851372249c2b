import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { translator, type ConsoleLocale } from '../src/console/i18n.ts';
import type { Incident } from '../src/incidents/model.ts';
import { emptyJournal, journalOf, xTweetLink } from '../src/journal/journal.ts';
import { journalMarkdown } from '../src/journal/markdown.ts';
import { englishWords, machineClock } from './helpers/latin-words.ts';
import { resolvedIncident } from './helpers/incidents.ts';

/**
 * journal.test.ts's outage of an hour (9:00 to 10:00 in Seoul on 20 May 2026), in Korean, with
 * post ids as herald writes them, a withdrawn update and three approval steps.
 */
const incident: Incident = {
  ...resolvedIncident,
  posts: resolvedIncident.posts.map((p) => ({ ...p, id: p.id === 'open' ? 'open-1' : p.id, ...(p.text && { text: p.kind === 'open' ? '카카오톡 로그인이 안 되고 있어요.' : '복구됐어요.' }) })),
  audit: [
    { at: '2026-05-20T00:02:00.000Z', actor: 'herald', action: 'drafted', postId: 'open-1' },
    { at: '2026-05-20T00:03:20.000Z', actor: 'mina', action: 'approved', postId: 'open-1' },
    { at: '2026-05-20T00:03:25.000Z', actor: 'api-token', action: 'rejected', postId: 'update-9', reason: 'rejected by mina: 중복' },
  ],
};

const stored = { notes: { cause: '릴레이 설정 배포' }, edits: [{ at: '2026-05-20T02:00:00.000Z', by: 'mina', fields: ['cause' as const] }] };

function markdown(locale: ConsoleLocale, zone = 'Asia/Seoul'): string {
  return journalMarkdown(journalOf(incident, { ...emptyJournal(), ...stored }, xTweetLink('kakao')), { tr: translator(locale), clock: { locale, zone } });
}

/** The Markdown a person reads: links, their addresses and the heading's key are not prose. */
const prose = (md: string) => md.replace(/\]\([^)]*\)/g, ']').replace(/https:\/\/\S+/g, ' ').replace(/talk-login-1/g, ' ');

describe('the journal as Markdown, in the reader\'s language and the audience\'s clock', () => {
  it('writes Korean headings and the tweets\' clock words, with no seconds and no offset', () => {
    const md = markdown('ko');
    assert.match(md, /^# 장애 talk-login-1\n/);
    assert.match(md, /- \*\*서비스:\*\* KakaoTalk \(로그인, 주요\)/);
    assert.match(md, /- \*\*장애 시간:\*\* 2026년 5월 20일 오전 9시~오전 10시 \(1시간\)/);
    assert.match(md, /- \*\*첫 알림 받음:\*\* 오전 9시 1분\n/);
    assert.match(md, /- \*\*공지까지 걸린 시간:\*\* 150초/);
    assert.match(md, /^1\. 오전 9시 3분, 첫 공지 \(\[X에서 보기\]\(https:\/\/x\.com\/kakao\/status\/100\)\)/m);
    assert.match(md, /\| 오전 9시 59분 \| 게시 취소 \| update-1: 업데이트가 나가기 전에 복구됐어요 \|/);
    assert.match(md, /\| 오전 11시 \| 기록 수정 \| 원인 · mina \|/);
    assert.match(md, /## 원인\n\n릴레이 설정 배포/);
    assert.match(md, /## 재발 방지\n\n_아직 쓰지 않았어요\._/);
    assert.doesNotMatch(md, /:\d\d:\d\d|\+09:?00|GMT|AM|PM/);
  });

  it('writes Japanese the same way: 9時, 時間, nothing in English', () => {
    const md = markdown('ja');
    assert.match(md, /^# 障害 talk-login-1\n/);
    assert.match(md, /- \*\*障害の時間:\*\* 2026年5月20日 9時〜10時 \(1時間\)/);
    assert.match(md, /\| 9時59分 \| 投稿を取りやめ \| update-1: /);
    assert.deepEqual(englishWords(prose(md)), []);
    assert.deepEqual(machineClock(prose(md)), []);
  });

  it('has nothing in English in Korean either', () => {
    const md = markdown('ko');
    assert.deepEqual(englishWords(prose(md)), []);
    assert.deepEqual(machineClock(prose(md)), []);
  });

  it('writes English with the zone named and no seconds', () => {
    const md = markdown('en');
    assert.match(md, /^# Incident talk-login-1\n/);
    assert.match(md, /- \*\*Outage:\*\* May 20, 2026, 9:00 AM – 10:00 AM KST \(1 hour\)/);
    assert.match(md, /\| 9:59 AM KST \| post cancelled \| update-1: resolved before the update went out \|/);
    assert.match(md, /## Cause\n/);
    assert.doesNotMatch(md, /:\d\d:\d\d|\+09:?00/);
  });

  it('dates moments on another day than the outage began, in the audience\'s zone', () => {
    const md = markdown('ko', 'America/Los_Angeles');
    assert.match(md, /2026년 5월 19일 오후 5시~오후 6시/);
    assert.match(md, /\| 오후 7시 \| 기록 수정 \|/);
  });
});
