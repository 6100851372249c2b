import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DateTime } from 'luxon';
import { DEFAULT_MESSAGES_DIR, loadCatalog } from '../src/compose/catalog.ts';
import { composeTweet } from '../src/compose/compose.ts';
import { findHedge } from '../src/compose/hedges.ts';
import { formatClock } from '../src/compose/locale-format.ts';
import { scenarioEvents, scenarioSchema } from '../src/compose/preview.ts';
import { renderThread, type ThreadTweet } from '../src/compose/thread-preview.ts';
import { catalogWithFeature } from './helpers/catalog.ts';
import { DEFAULT_FOLLOW_UPS } from '../src/incidents/follow-up-schedule.ts';

/**
 * Golden threads: the incidents herald was made for, rendered whole in every locale. A change in
 * wording shows up here as a diff a person reads; `UPDATE_GOLDEN=1` rewrites the files after that.
 */
const HERE = path.dirname(fileURLToPath(import.meta.url));
const SCENARIOS = path.join(HERE, 'fixtures', 'scenarios');
const GOLDEN = path.join(HERE, 'golden');
const SERVICE: Record<string, string> = { ko: '카카오톡', en: 'KakaoTalk', ja: 'カカオトーク' };
const LOCALES = ['ko', 'en', 'ja'];
const SETTINGS = { rules: { graceMs: 120_000, reopenWindowMs: 3_600_000 }, followUps: DEFAULT_FOLLOW_UPS };
const FOUR = ['midnight-messages', 'messages-and-pc-login', 'signup', 'iphone-notifications'];

function threadFor(name: string, locale: string, messagesDir = DEFAULT_MESSAGES_DIR): ThreadTweet[] {
  const raw = JSON.parse(readFileSync(path.join(SCENARIOS, `${name}.json`), 'utf8')) as Array<Record<string, unknown>>;
  const events = scenarioEvents(scenarioSchema.parse(raw.map((e) => ({ ...e, service: SERVICE[locale] }))));
  return renderThread(loadCatalog(messagesDir, locale), events, { locale, timezone: 'Asia/Seoul' }, SETTINGS);
}

const pinned = (thread: ThreadTweet[]) => thread.map(({ kind, phase, text, weightedLength, replyTo }) => ({ kind, phase, text, weightedLength, replyTo }));

// Outages beyond the four: three impacts at once, critical and total (issue 24).
const MORE = ['three-impacts-critical'];

// A feature an operator added in the catalog only (test/fixtures/features/payments.json).
const CUSTOM: Record<string, string> = { payments: catalogWithFeature('payments') };

for (const name of [...FOUR, 'five-hours', ...MORE, ...Object.keys(CUSTOM)]) {
  for (const locale of LOCALES) {
    test(`the ${name} thread in ${locale} reads as the golden file`, () => {
      const file = path.join(GOLDEN, `${name}.${locale}.json`);
      const actual = pinned(threadFor(name, locale, CUSTOM[name]));
      if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
      assert.deepEqual(actual, JSON.parse(readFileSync(file, 'utf8')));
    });
  }
}

test('the five-hour incident goes through every phase', () => {
  assert.deepEqual([...new Set(threadFor('five-hours', 'ko').map((t) => t.phase))], ['investigating', 'identified', 'monitoring', 'resolved']);
});

test('every open and follow-up says when the next update comes when the cadence is known', () => {
  for (const name of [...FOUR, 'five-hours']) {
    for (const locale of LOCALES) {
      for (const tweet of threadFor(name, locale).filter((t) => t.kind !== 'resolved')) {
        assert.ok(tweet.nextUpdateAt, `${name} ${locale}: ${tweet.text}`);
        const clock = formatClock(DateTime.fromISO(tweet.nextUpdateAt, { zone: 'Asia/Seoul' }), locale);
        assert.ok(tweet.text.includes(clock), `${name} ${locale} should say ${clock}: ${tweet.text}`);
      }
    }
  }
});

test('no two tweets of a thread read alike, even with their times taken out', () => {
  for (const name of [...FOUR, 'five-hours']) {
    for (const locale of LOCALES) {
      const thread = threadFor(name, locale).map((t) => t.text.replace(/[\d０-９]+/g, '#'));
      thread.slice(1).forEach((text, i) => assert.notEqual(text, thread[i], `${name} ${locale}: tweets ${i + 1} and ${i + 2}`));
      assert.equal(new Set(threadFor(name, locale).map((t) => t.text)).size, thread.length, `${name} ${locale}: a text repeats`);
    }
  }
});

test('no tweet hedges about who is affected when everyone is', () => {
  for (const name of ['midnight-messages', 'messages-and-pc-login', 'signup', 'five-hours']) {
    for (const locale of LOCALES) {
      for (const tweet of threadFor(name, locale)) assert.equal(findHedge(tweet.text, locale), undefined, `${name} ${locale}: ${tweet.text}`);
    }
  }
});

test('a partial outage says that some people are affected', () => {
  for (const locale of LOCALES) assert.ok(findHedge(threadFor('iphone-notifications', locale)[0]!.text, locale), locale);
});

test('an outage of messages and PC login is one thread naming both', () => {
  const thread = threadFor('messages-and-pc-login', 'en');
  assert.deepEqual(thread.map((t) => t.replyTo), [null, 0, 0]);
  assert.match(thread[0]!.text, /messages .*PC login/);
  assert.match(thread.at(-1)!.text, /message delivery and PC login/);
});

test('a messaging resolution says delayed messages arrived only when nothing was lost', () => {
  const catalog = loadCatalog(DEFAULT_MESSAGES_DIR, 'en');
  const resolve = (dataSafety?: 'none-lost' | 'possible') =>
    composeTweet(catalog, { kind: 'resolved', incidentKey: 'k', service: 'KakaoTalk', feature: 'messaging', severity: 'major', openedAt: '2025-03-14T16:54:00+09:00', resolvedAt: '2025-03-14T17:48:00+09:00', dataSafety }, { locale: 'en', timezone: 'Asia/Seoul' }).text;
  assert.match(resolve('none-lost'), /have all been delivered/);
  assert.doesNotMatch(resolve(), /delivered/);
  assert.match(resolve('possible'), /resend anything important/);
});

test('a resolution with no earlier tweet names the problem and when it happened', () => {
  for (const locale of LOCALES) {
    const text = composeTweet(loadCatalog(DEFAULT_MESSAGES_DIR, locale), { kind: 'resolved', incidentKey: 'signup-x', service: SERVICE[locale]!, feature: 'signup', severity: 'major', openedAt: '2025-06-03T10:12:00+09:00', resolvedAt: '2025-06-03T11:05:00+09:00' }, { locale, timezone: 'Asia/Seoul' }).text;
    assert.match(text, { ko: /회원가입/, en: /sign-up/, ja: /新規登録/ }[locale]!, text);
    assert.match(text, { ko: /오전 10시 12분/, en: /10:12 AM/, ja: /10時12分/ }[locale]!, text);
  }
});

test('midnight is written as followers say it', () => {
  const [open, resolved] = [threadFor('midnight-messages', 'ko'), threadFor('midnight-messages', 'en')].map((t) => t.at(-1)!.text);
  assert.match(open!, /자정부터 0시 28분까지/);
  assert.match(resolved!, /from midnight to 12:28 AM/);
  for (const locale of LOCALES) for (const t of threadFor('midnight-messages', locale)) assert.doesNotMatch(t.text, /오전 12시|12:00 AM/);
});

test('an iPhone-only problem says iPhone in every tweet that restates it', () => {
  for (const locale of LOCALES) {
    const thread = threadFor('iphone-notifications', locale);
    assert.match(thread[0]!.text, /iPhone/, locale);
    assert.match(thread.at(-1)!.text, /iPhone/, locale);
  }
});

test('a critical outage of three impacts opens with the apology, the main advice and the next update in every locale', () => {
  const must = { ko: [/죄송/, /앱을 지우거나 다시 설치하지 마세요/, /휴대폰/], en: [/sorry/i, /don't delete or reinstall/, /not your phone/], ja: [/申し訳/, /削除・再インストールしないでください/, /スマホ/] };
  for (const locale of LOCALES) {
    const [open] = threadFor('three-impacts-critical', locale);
    for (const re of must[locale as keyof typeof must]) assert.match(open!.text, re, `${locale}: ${open!.text}`);
    assert.ok(open!.weightedLength <= 280, locale);
  }
});

test('the messages + PC login open keeps its apology in every locale', () => {
  for (const locale of LOCALES) assert.match(threadFor('messages-and-pc-login', locale)[0]!.text, { ko: /죄송/, en: /sorry/i, ja: /申し訳/ }[locale]!, locale);
});

test('a feature added only in the catalog reads in its own words in every tweet', () => {
  const words = { ko: /결제/, en: /payment/, ja: /決済/ };
  for (const locale of LOCALES) for (const tweet of threadFor('payments', locale, CUSTOM.payments)) assert.match(tweet.text, words[locale as keyof typeof words], `${locale}: ${tweet.text}`);
});
