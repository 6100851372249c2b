import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_MESSAGES_DIR, loadCatalog } from '../src/compose/catalog.ts';
import { composeTweet, type ComposeInput } from '../src/compose/compose.ts';
import { fittingSteps } from '../src/compose/fitting.ts';
import { BLUESKY_LIMIT, X_LIMIT, mastodonLimit } from '../src/compose/network-length.ts';
import type { Impact } from '../src/incidents/model.ts';

/** The fitting order (compose/fitting.ts): what a tweet gives up, and what it keeps to the last. */
const LOCALES = ['ko', 'en', 'ja'] as const;
const SERVICE = { ko: '카카오톡', en: 'KakaoTalk', ja: 'カカオトーク' };
const THREE: Impact[] = [{ feature: 'messaging' }, { feature: 'login', platforms: ['pc', 'mac'] }, { feature: 'notifications', platforms: ['ios', 'android'] }];
const APOLOGY = { ko: /죄송/, en: /sorry/i, ja: /申し訳/ };
const DEVICE = { ko: /(휴대폰|기기|PC) (탓|문제)/, en: /not your (phone|device|computer)/i, ja: /(スマホ|端末|パソコン)(の|では)/ };
const MAIN_ADVICE = { ko: /앱을 지우거나 다시 설치하지 마세요/, en: /don't delete or reinstall/, ja: /削除・再インストールしないでください/ };
const NEXT = { ko: /오후 8시 42분/, en: /8:42 PM/, ja: /20時42分/ };

const open = (locale: (typeof LOCALES)[number], over: Partial<ComposeInput> = {}): ComposeInput => ({
  kind: 'open',
  incidentKey: 'talk-three',
  service: SERVICE[locale],
  feature: 'messaging',
  impacts: THREE,
  scope: 'total',
  severity: 'critical',
  openedAt: '2025-09-18T20:10:00+09:00',
  at: '2025-09-18T20:12:00+09:00',
  nextUpdateAt: '2025-09-18T20:42:00+09:00',
  ...over,
});

test('a critical outage of three impacts composes an open in every locale, keeping what matters', () => {
  for (const locale of LOCALES) {
    const tweet = composeTweet(loadCatalog(DEFAULT_MESSAGES_DIR, locale), open(locale), { locale, timezone: 'Asia/Seoul' });
    assert.ok(tweet.weightedLength <= 280, `${locale}: ${tweet.weightedLength}`);
    for (const must of [APOLOGY, DEVICE, MAIN_ADVICE, NEXT]) assert.match(tweet.text, must[locale], `${locale}: ${tweet.text}`);
    assert.match(tweet.text, { ko: /오후 8시 10분/, en: /8:10 PM/, ja: /20時10分/ }[locale], tweet.text);
  }
});

test('several impacts collapse into a shorter list before the apology or the main advice go', () => {
  const text = composeTweet(loadCatalog(DEFAULT_MESSAGES_DIR, 'en'), open('en'), { locale: 'en', timezone: 'Asia/Seoul' }).text;
  assert.match(text, /message delivery, PC\/Mac login and one more feature aren't working for everyone/);
  const ko = composeTweet(loadCatalog(DEFAULT_MESSAGES_DIR, 'ko'), open('ko'), { locale: 'ko', timezone: 'Asia/Seoul' }).text;
  assert.match(ko, /등 3가지/);
});

test('the steps come in the documented order, each giving up one more thing', () => {
  const catalog = loadCatalog(DEFAULT_MESSAGES_DIR, 'en');
  const steps = fittingSteps(catalog, { impacts: THREE, scope: 'total' }, 'A'.repeat(60));
  assert.deepEqual(steps.map((s) => s.name), ['everything', 'main-advice', 'two-named', 'one-named', 'service-40', 'service-20']);
  assert.match(steps[0]!.words.advice, /password/);
  assert.doesNotMatch(steps[1]!.words.advice, /password/);
  assert.match(steps[3]!.words.impact, /^message delivery and 2 more features/);
  assert.equal(steps[5]!.words.service, `${'A'.repeat(18)}…`); // … weighs 2 on X
});

test('a 60-character service name composes on every network, cut only as the last step', () => {
  for (const locale of LOCALES) {
    const catalog = loadCatalog(DEFAULT_MESSAGES_DIR, locale);
    for (const limit of [X_LIMIT, BLUESKY_LIMIT, mastodonLimit()]) {
      const tweet = composeTweet(catalog, open(locale, { service: '카카오톡선물하기'.repeat(8).slice(0, 60) }), { locale, timezone: 'Asia/Seoul', limit, statusUrl: 'https://status.example.com/i/{key}' });
      assert.ok(limit.measure(tweet.text) <= limit.max, `${locale} ${limit.label}: ${tweet.text}`);
      assert.match(tweet.text, APOLOGY[locale], `${locale} ${limit.label}: ${tweet.text}`);
      assert.match(tweet.text, MAIN_ADVICE[locale], `${locale} ${limit.label}: ${tweet.text}`);
    }
  }
  // Mastodon's 500 carries the whole name.
  const roomy = composeTweet(loadCatalog(DEFAULT_MESSAGES_DIR, 'ko'), open('ko', { service: '가'.repeat(60) }), { locale: 'ko', timezone: 'Asia/Seoul', limit: mastodonLimit() });
  assert.ok(roomy.text.includes('가'.repeat(60)), roomy.text);
});

test('all five platforms read as everywhere', () => {
  const catalog = loadCatalog(DEFAULT_MESSAGES_DIR, 'en');
  const every = composeTweet(catalog, open('en', { impacts: [{ feature: 'login', platforms: ['ios', 'android', 'pc', 'mac', 'web'] }], feature: 'login' }), { locale: 'en', timezone: 'Asia/Seoul' });
  assert.doesNotMatch(every.text, /iPhone/);
});
