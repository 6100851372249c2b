import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_MESSAGES_DIR, loadCatalog } from '../src/compose/catalog.ts';
import { composeTweet, type ComposeInput } from '../src/compose/compose.ts';
import { formatSpan } from '../src/compose/reader-time.ts';

/**
 * Issue 24/28: an outage that began and ended within a minute reads as one time in its
 * resolution ("오전 7시 55분에 잠시", "7時55分ごろ", "briefly at 7:55 AM"), never as a range from
 * a time to the same time; so does such a span inside a reopened outage's list of spans.
 */
const SERVICE: Record<string, string> = { ko: '카카오톡', en: 'KakaoTalk', ja: 'カカオトーク' };
const ONE_TIME: Record<string, string> = { ko: '오전 7시 55분', ja: '7時55分ごろ', en: 'briefly at 7:55 AM' };
const SAME_TWICE: Record<string, RegExp> = { ko: /7시 55분부터|7시 55분~/, ja: /7時55分から|7時55分〜/, en: /7:55 AM to/ };
const VARIANTS = [0, 1, 2];

function resolution(locale: string, over: Partial<ComposeInput>): string {
  const input: ComposeInput = { kind: 'resolved', incidentKey: 'talk-brief', service: SERVICE[locale]!, feature: 'messaging', severity: 'major', dataSafety: 'none-lost', openedAt: '2025-12-03T07:55:05+09:00', ...over };
  return composeTweet(loadCatalog(DEFAULT_MESSAGES_DIR, locale), input, { locale, timezone: 'Asia/Seoul' }).text;
}

for (const locale of ['ko', 'ja', 'en']) {
  test(`a ${locale} resolution of an outage under a minute names its time once, in every variant`, () => {
    for (const variantOffset of VARIANTS) {
      const text = resolution(locale, { resolvedAt: '2025-12-03T07:55:50+09:00', variantOffset });
      assert.ok(text.includes(ONE_TIME[locale]!), text);
      assert.doesNotMatch(text, SAME_TWICE[locale]!);
    }
  });

  test(`a ${locale} standalone resolution of an outage under a minute names its time once`, () => {
    const text = resolution(locale, { standalone: true, firstPostAt: '2025-12-03T07:57:00+09:00', resolvedAt: '2025-12-03T07:55:50+09:00' });
    assert.ok(text.includes(ONE_TIME[locale]!), text);
    assert.doesNotMatch(text, SAME_TWICE[locale]!);
  });
}

test('the Korean resolution of a thirty-second outage reads as one moment', () => {
  assert.match(resolution('ko', { resolvedAt: '2025-12-03T07:55:35+09:00', variantOffset: 0 }), /오전 7시 55분에 잠시 불편을 드려 죄송합니다/);
});

test('under a minute across a minute boundary is one time too: the start', () => {
  for (const locale of ['ko', 'ja', 'en']) {
    const text = resolution(locale, { openedAt: '2025-12-03T07:55:50+09:00', resolvedAt: '2025-12-03T07:56:20+09:00' });
    assert.ok(text.includes(ONE_TIME[locale]!), text);
    assert.ok(!text.includes('56'), text);
  }
});

test('a resolve stamped a moment before the open (two monitors) reads as one time', () => {
  assert.ok(resolution('en', { resolvedAt: '2025-12-03T07:55:00+09:00' }).includes('briefly at 7:55 AM'));
});

test('an outage of a minute or more keeps its range', () => {
  const text = resolution('ja', { openedAt: '2025-12-03T07:55:00+09:00', resolvedAt: '2025-12-03T07:57:00+09:00', variantOffset: 2 });
  assert.ok(text.includes('7時55分〜7時57分'), text);
});

const REOPENED = { openedAt: '2025-12-03T14:00:00+09:00', reopenedAt: '2025-12-03T14:45:00+09:00', resolvedAt: '2025-12-03T15:30:00+09:00' };
const BRIEF_FIRST = [{ from: '2025-12-03T14:00:00+09:00', to: '2025-12-03T14:00:30+09:00' }];

test('a reopened outage whose first span lasted under a minute names that span as one time, in ko, ja and en', () => {
  const expected: Record<string, string> = {
    ko: '오후 2시에 잠시, 그리고 오후 2시 45분부터 오후 3시 30분까지',
    ja: '14時ごろ、14時45分から15時30分まで',
    en: '2:00 PM for a moment and from 2:45 PM to 3:30 PM',
  };
  for (const locale of ['ko', 'ja', 'en']) {
    const text = resolution(locale, { ...REOPENED, earlierSpans: BRIEF_FIRST, variantOffset: 0 });
    assert.ok(text.includes(expected[locale]!), text);
  }
});

test('a reopened outage whose last span lasted under a minute says the plain first-to-last range', () => {
  const text = resolution('ko', { ...REOPENED, earlierSpans: [{ from: '2025-12-03T14:00:00+09:00', to: '2025-12-03T14:35:00+09:00' }], resolvedAt: '2025-12-03T14:45:20+09:00', variantOffset: 0 });
  assert.ok(text.includes('오후 2시부터 오후 2시 45분까지'), text);
  assert.ok(!text.includes('2시 45분부터'), text);
});

test('the console and status page read a span under a minute across a minute boundary as one time, as the tweets do', () => {
  assert.equal(formatSpan('2026-12-06T22:55:50Z', '2026-12-06T22:56:20Z', { locale: 'ja', zone: 'Asia/Seoul' }, Date.parse('2026-12-06T23:00:00Z')), '7時55分');
});
