import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_MESSAGES_DIR, loadCatalog } from '../src/compose/catalog.ts';
import { ComposeError, composeTweet, type ComposeInput } from '../src/compose/compose.ts';

const OPENED = '2025-03-14T16:54:00+09:00';
const FIRST_POST = '2025-03-14T16:56:00+09:00';
const RESOLVED = '2025-03-14T18:06:00+09:00';
const SERVICE: Record<string, string> = { ko: '카카오톡', en: 'KakaoTalk', ja: 'カカオトーク' };
const FIRST_POST_CLOCK: Record<string, string> = { ko: '오후 4시 56분', en: '4:56 PM', ja: '16時56分' };

const input = (locale: string, over: Partial<ComposeInput> = {}): ComposeInput => ({
  kind: 'resolved',
  incidentKey: 'msg-2025-03-14',
  service: SERVICE[locale]!,
  feature: 'messaging',
  severity: 'major',
  openedAt: OPENED,
  resolvedAt: RESOLVED,
  ...over,
});
const compose = (locale: string, over: Partial<ComposeInput> = {}) =>
  composeTweet(loadCatalog(DEFAULT_MESSAGES_DIR, locale), input(locale, over), { locale, timezone: 'Asia/Seoul' });

for (const locale of ['ko', 'en', 'ja']) {
  test(`a standalone ${locale} resolution names the time of the tweet it follows up`, () => {
    const tweet = compose(locale, { standalone: true, firstPostAt: FIRST_POST });
    assert.equal(tweet.situation, 'standalone.resolved');
    assert.ok(tweet.text.includes(FIRST_POST_CLOCK[locale]!), tweet.text);
    assert.ok(tweet.text.includes(SERVICE[locale]!), tweet.text);
  });
}

test('a standalone text differs from the threaded one, so X does not refuse it as a duplicate', () => {
  assert.notEqual(compose('en', { standalone: true, firstPostAt: FIRST_POST }).text, compose('en').text);
});

test('standalone updates and reopenings have their own wording too', () => {
  assert.equal(compose('en', { kind: 'update', resolvedAt: undefined, standalone: true, firstPostAt: FIRST_POST }).situation, 'standalone.update');
  assert.equal(compose('en', { kind: 'reopened', resolvedAt: undefined, standalone: true, firstPostAt: FIRST_POST }).situation, 'standalone.reopened');
});

test('a standalone follow-up without firstPostAt is a missing-variable error naming the field', () => {
  assert.throws(() => compose('en', { standalone: true }), (err: unknown) => err instanceof ComposeError && /firstPostAt/.test(err.message));
});
