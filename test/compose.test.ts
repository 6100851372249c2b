import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import twitterText from 'twitter-text';
import { parse, stringify } from 'yaml';
import { DEFAULT_MESSAGES_DIR, loadCatalog, parseCatalog, type Catalog } from '../src/compose/catalog.ts';
import { ComposeError, composeNotice, composeTweet, type ComposeInput, type ComposeOptions } from '../src/compose/compose.ts';
import { formatDuration } from '../src/compose/locale-format.ts';
import { isPostable, weightedLength } from '../src/compose/tweet-length.ts';

const OPENED = '2025-03-14T16:54:00+09:00';
const RESOLVED = '2025-03-14T18:06:00+09:00'; // 1 h 12 min later
const SERVICE: Record<string, string> = { ko: '카카오톡', en: 'KakaoTalk', ja: 'カカオトーク' };

function input(locale: string, over: Partial<ComposeInput> = {}): ComposeInput {
  return { kind: 'open', incidentKey: 'msg-2025-03-14', service: SERVICE[locale]!, feature: 'messaging', severity: 'major', openedAt: OPENED, ...over };
}
const options = (locale: string, over: Partial<ComposeOptions> = {}): ComposeOptions => ({ locale, timezone: 'Asia/Seoul', ...over });
const shipped = (locale: string): Catalog => loadCatalog(DEFAULT_MESSAGES_DIR, locale);

/** The shipped Korean catalog with `open` and `resolved` replaced where given. */
function koCatalogWith(changes: { messaging?: string[]; resolved?: string[] }): Catalog {
  const raw = parse(readFileSync(path.join(DEFAULT_MESSAGES_DIR, 'ko.yaml'), 'utf8')) as { open: string[]; resolved: string[] };
  if (changes.messaging) raw.open = changes.messaging;
  if (changes.resolved) raw.resolved = changes.resolved;
  const { catalog, problems } = parseCatalog(stringify(raw), 'fixture-ko.yaml', 'ko');
  assert.deepEqual(problems, []);
  return catalog!;
}

const GOLDEN: Record<string, { open: string; resolved: string }> = {
  ko: {
    open: '지금 카카오톡 메시지가 늦게 전송되고 있어요. 오후 4시 54분부터 생긴 저희 쪽 문제로, 기기 탓이 아니에요. 앱을 지우거나 다시 설치하지 마세요. 지금까지의 대화는 그대로 있어요. 최대한 빨리 고칠게요. 불편을 드려 죄송합니다.',
    resolved: '카카오톡 메시지 전송 문제를 해결해 이제 다시 잘 돼요. 오후 4시 54분부터 오후 6시 6분까지 불편을 드려 죄송합니다. 혹시 전달되지 않은 메시지가 있다면 다시 보내 주세요. 아직 이상하면 앱을 다시 켜 주세요. 감사합니다.',
  },
  en: {
    open: "KakaoTalk messages are arriving late (since 4:54 PM). The problem is ours, not your device. Please don't delete or reinstall the app: your chat history is still there. We're on it. We're sorry for the trouble.",
    resolved: "KakaoTalk is back to normal: the message delivery problem (4:54 PM to 6:06 PM) is fixed. If a message you sent didn't arrive, please send it again. We're sorry for the trouble. Thanks for bearing with us.",
  },
  ja: {
    open: '現在、カカオトークでメッセージが遅れて届いています（16時54分ごろから）。端末の問題ではありません。アプリは削除・再インストールしないでください。これまでのトーク履歴は消えません。復旧を急いでいます。ご不便をおかけし、申し訳ありません。',
    resolved: 'カカオトークは復旧し、いつもどおりお使いいただけます（メッセージ送信の問題、16時54分から18時6分まで）。届いていないメッセージがありましたら、お手数ですがもう一度送ってください。ご不便をおかけし、申し訳ありません。',
  },
};

for (const [locale, golden] of Object.entries(GOLDEN)) {
  test(`the ${locale} tweet for a messaging outage reads as written`, () => {
    const tweet = composeTweet(shipped(locale), input(locale), options(locale));
    assert.equal(tweet.text, golden.open);
    assert.equal(tweet.weightedLength, weightedLength(golden.open));
  });

  test(`the ${locale} resolved tweet says when it started and how long it lasted`, () => {
    const tweet = composeTweet(shipped(locale), input(locale, { kind: 'resolved', resolvedAt: RESOLVED }), options(locale));
    assert.equal(tweet.text, golden.resolved);
  });
}

test('the same incident and kind always get the same variant', () => {
  const first = composeTweet(shipped('ko'), input('ko'), options('ko'));
  const again = composeTweet(shipped('ko'), input('ko'), options('ko'));
  assert.deepEqual(again, first);
});

test('different incidents do not all get the same wording', () => {
  const variants = new Set(Array.from({ length: 20 }, (_, i) => composeTweet(shipped('ko'), input('ko', { incidentKey: `incident-${i}` }), options('ko')).variant));
  assert.ok(variants.size > 1);
});

test('a variant offset gives a different text', () => {
  const first = composeTweet(shipped('ko'), input('ko'), options('ko'));
  const next = composeTweet(shipped('ko'), input('ko', { variantOffset: 1 }), options('ko'));
  assert.notEqual(next.text, first.text);
  assert.notEqual(next.variant, first.variant);
});

test('successive offsets go through every variant before one repeats', () => {
  const texts = [0, 1, 2].map((variantOffset) => composeTweet(shipped('ko'), input('ko', { variantOffset }), options('ko')).text);
  assert.equal(new Set(texts).size, 3);
  assert.equal(composeTweet(shipped('ko'), input('ko', { variantOffset: 3 }), options('ko')).text, texts[0]);
});

test('a status link goes on its own line with the incident key encoded', () => {
  const tweet = composeTweet(shipped('ko'), input('ko', { incidentKey: 'a b/c' }), options('ko', { statusUrl: 'https://status.example.com/i/{key}' }));
  assert.ok(tweet.text.endsWith('\nhttps://status.example.com/i/a%20b%2Fc'));
  assert.equal(tweet.weightedLength, weightedLength(tweet.text));
});

test('a very long service name falls back to a shorter variant that fits', () => {
  const catalog = koCatalogWith({ messaging: [`{service} ${'가'.repeat(120)}`, '{service} 메시지가 늦게 가고 있어요. 죄송해요.'] });
  // Two variants: the first is the full one, the last the short fallback.
  const short = composeTweet(catalog, input('ko', { incidentKey: 'outage-1', service: '톡' }), options('ko'));
  assert.equal(short.variant, 0, 'with a short name the long variant is the deterministic pick');
  const long = composeTweet(catalog, input('ko', { incidentKey: 'outage-1', service: '아주 긴 이름'.repeat(10) }), options('ko'));
  assert.equal(long.variant, 1);
  assert.ok(long.weightedLength <= 280);
});

test('the status link is left out when no variant fits with it', () => {
  const catalog = koCatalogWith({ messaging: [`{service} ${'가'.repeat(125)}`] });
  const tweet = composeTweet(catalog, input('ko'), options('ko', { statusUrl: 'https://status.example.com/' }));
  assert.ok(!tweet.text.includes('https://'));
  assert.ok(tweet.weightedLength <= 280);
});

test('when no variant fits, composing fails instead of returning a tweet X would refuse', () => {
  const catalog = koCatalogWith({ messaging: [`{service} ${'가'.repeat(140)}`] });
  assert.throws(() => composeTweet(catalog, input('ko'), options('ko')), (e: unknown) => e instanceof ComposeError && e.reason === 'too-long');
});

test('an @ in the service name does not become a mention', () => {
  const tweet = composeTweet(shipped('en'), input('en', { service: '@support Kakao＠Talk' }), options('en'));
  assert.deepEqual(twitterText.extractMentions(tweet.text), []);
  assert.ok(!/[@＠]/.test(tweet.text));
});

test('a # or $ in the service name does not become a hashtag or cashtag', () => {
  const tweet = composeTweet(shipped('en'), input('en', { service: '#KakaoTalk ＃outage $KAKAO' }), options('en'));
  assert.deepEqual([...twitterText.extractHashtags(tweet.text), ...twitterText.extractCashtags(tweet.text)], []);
});

test('a link in the service name does not become a link', () => {
  const tweet = composeTweet(shipped('en'), input('en', { service: 'Talk https://evil.example.com/x talk.example.com' }), options('en'));
  assert.deepEqual(twitterText.extractUrls(tweet.text), []);
  assert.ok(!tweet.text.includes('://'));
});

test('line breaks and invisible characters in the service name are removed', () => {
  const tweet = composeTweet(shipped('en'), input('en', { service: 'Kakao\nTalk\u202E\u200B\r\n' }), options('en'));
  assert.ok(tweet.text.includes('Kakao Talk'));
  assert.ok(!/[\n\r\u202E\u200B]/.test(tweet.text));
});

test('a service name with nothing printable is an invalid input', () => {
  assert.throws(() => composeTweet(shipped('ko'), input('ko', { service: ' @#$\n' }), options('ko')), (e: unknown) => e instanceof ComposeError && e.reason === 'invalid-input');
});

test('a resolved tweet without resolvedAt is a missing-variable error', () => {
  assert.throws(() => composeTweet(shipped('ko'), input('ko', { kind: 'resolved' }), options('ko')), (e: unknown) => e instanceof ComposeError && e.reason === 'missing-variable' && /resolvedAt/.test(e.message));
});

test('an update with nextUpdateAt may promise when the next one comes', () => {
  const texts = [0, 1, 2, 3, 4, 5].map((variantOffset) => composeTweet(shipped('ko'), input('ko', { kind: 'update', nextUpdateAt: '2025-03-14T17:54:00+09:00', variantOffset }), options('ko')).text);
  assert.ok(texts.every((t) => t.includes('오후 5시 54분까지')), 'when the next update time is known, every variant says it');
});

test('an update without nextUpdateAt never promises a time', () => {
  const texts = [0, 1, 2, 3, 4, 5].map((variantOffset) => composeTweet(shipped('ko'), input('ko', { kind: 'update', variantOffset }), options('ko')).text);
  assert.ok(texts.every((t) => !/\d+분까지|\d+시까지/.test(t) && isPostable(t)));
});

test('a start the day before the tweet says "yesterday", further back its date, and the day of posting none', () => {
  const catalog = koCatalogWith({ resolved: ['{service}: {time}부터 {endTime}까지 {duration}'] });
  const resolve = (openedAt: string, resolvedAt: string) => composeTweet(catalog, input('ko', { kind: 'resolved', openedAt, resolvedAt }), options('ko')).text;
  assert.equal(resolve('2025-03-14T23:30:00+09:00', '2025-03-15T01:00:00+09:00'), '카카오톡: 어제 밤 11시 30분부터 새벽 1시까지 1시간 30분');
  assert.equal(resolve('2025-03-13T23:30:00+09:00', '2025-03-15T01:00:00+09:00'), '카카오톡: 3월 13일 밤 11시 30분부터 새벽 1시까지 25시간');
  assert.equal(resolve('2025-03-15T12:10:00+09:00', '2025-03-15T13:00:00+09:00'), '카카오톡: 낮 12시 10분부터 오후 1시까지 50분');
  const ja = composeTweet(shipped('ja'), input('ja', { kind: 'resolved', openedAt: '2025-07-04T23:40:00+09:00', resolvedAt: '2025-07-06T01:00:00+09:00' }), options('ja')).text;
  assert.match(ja, /7月4日23時40分/, 'no space between the day and the time in Japanese');
});

test('times are given in the configured time zone', () => {
  const tweet = composeTweet(shipped('en'), input('en', { openedAt: '2025-03-14T07:54:00Z', kind: 'resolved', resolvedAt: '2025-03-14T09:06:00Z' }), options('en'));
  assert.match(tweet.text, /4:54 PM/);
});

test('durations read naturally in each locale', () => {
  assert.deepEqual(['ko', 'en', 'ja'].map((l) => formatDuration(72, l)), ['1시간 12분', '1 hour and 12 minutes', '1時間12分間']);
  assert.deepEqual(['ko', 'en', 'ja'].map((l) => formatDuration(54, l)), ['54분', '54 minutes', '54分間']);
  assert.equal(formatDuration(120, 'ja'), '2時間');
});

test('a catalog of another locale than asked for is refused', () => {
  assert.throws(() => composeTweet(shipped('ko'), input('ko'), options('en')), (e: unknown) => e instanceof ComposeError && e.reason === 'locale-mismatch');
});

test('a maintenance notice gives the window in the audience time zone', () => {
  const tweet = composeNotice(shipped('ko'), { kind: 'maintenance-ahead', key: 'mt-1', service: '카카오톡', startsAt: '2025-03-19T17:00:00Z', endsAt: '2025-03-19T19:00:00Z' }, options('ko'));
  assert.match(tweet.text, /3월 20일 새벽 2시/);
  assert.match(tweet.text, /새벽 4시/);
});

test('an announcement keeps the staff text and names the service', () => {
  const tweet = composeNotice(shipped('en'), { kind: 'announcement', key: 'a-1', service: 'KakaoTalk', text: 'We are updating the app tonight.' }, options('en'));
  assert.ok(tweet.text.includes('We are updating the app tonight.') && tweet.text.includes('KakaoTalk'));
});

test('Hangul weighs two and a link weighs 23', () => {
  assert.equal(weightedLength('장애'), 4);
  assert.equal(weightedLength('https://status.example.com/a/very/long/path/indeed'), 23);
});
