import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startFakeX, type FakeX } from './helpers/fake-x.ts';
import { apiCall } from './helpers/console.ts';
import { event, settled, startTestHerald, type TestHerald } from './helpers/herald.ts';
import { englishWords, machineClock } from './helpers/latin-words.ts';
import { launchChromium, oneCharacterLines, screenshot, windowOf } from './helpers/browser.ts';

/**
 * The status page in the reader's language, among the accounts' languages (here ko, the default
 * account's HERALD_LOCALE, and ja, a second account's), with its clock words and its outages
 * headed by when they began and ended.
 */
describe('the status page in the reader\'s language', () => {
  let t: TestHerald;
  let fakeJa: FakeX;
  let dir: string;
  let emptyFeed: Response;
  let emptyFeedText: string;
  const status = (headers: Record<string, string> = {}, path = '/status') => fetch(`${t.url}${path}`, { headers });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'herald-status-lang-'));
    fakeJa = await startFakeX({ user: { id: '1500000000000000097', name: 'Herald JP', username: 'herald_jp' } });
    const file = join(dir, 'accounts.yaml');
    await writeFile(file, 'accounts:\n  - id: ja\n    locale: ja\n    timezone: Asia/Tokyo\n    username: herald_jp\n');
    t = await startTestHerald({
      HERALD_ACCOUNTS_FILE: file,
      HERALD_LOCALE: 'ko',
      HERALD_TIMEZONE: 'Asia/Seoul',
      HERALD_X_USERNAME: 'herald_kr',
      HERALD_FOLLOWUP_MINUTES: '0',
      X_JA_APP_KEY: 'ja-key', X_JA_APP_SECRET: 'ja-secret', X_JA_ACCESS_TOKEN: 'ja-token', X_JA_ACCESS_SECRET: 'ja-token-secret',
      X_JA_API_BASE_URL: fakeJa.url,
    });
    emptyFeed = await status({}, '/status/feed.xml');
    emptyFeedText = await emptyFeed.text();
    // An outage that began at 7:55 and ended within the same minute.
    const short = event({ at: '2026-05-20T07:55:00+09:00' });
    await t.send(short);
    await t.fakeX.waitForPosts(1);
    await t.send({ ...short, status: 'resolved', at: '2026-05-20T07:55:40+09:00' });
    await t.fakeX.waitForPosts(2);
    // An outage still going on since 8:10.
    await t.send(event({ feature: 'login', at: '2026-05-20T08:10:00+09:00' }));
    await t.fakeX.waitForPosts(3);
    await settled(t);
  });
  after(async () => {
    await t?.close();
    await fakeJa?.close();
    await rm(dir, { recursive: true, force: true });
  });

  for (const [asked, expected] of [
    ['ko-KR,ko;q=0.9,en;q=0.5', 'ko'],
    ['ja,en-US;q=0.8', 'ja'],
    ['en-US,en;q=0.9', 'ko'], // English is no account's language: HERALD_LOCALE
    ['fr-FR, *', 'ko'],
  ] as const) {
    it(`answers Accept-Language "${asked}" in ${expected}, and says it varies by it`, async () => {
      const res = await status({ 'accept-language': asked });
      const html = await res.text();
      assert.equal(res.status, 200);
      assert.match(res.headers.get('vary') ?? '', /Accept-Language/i);
      assert.equal(res.headers.get('content-language'), expected);
      assert.match(html, new RegExp(`<html lang="${expected}">`));
      assert.ok(html.includes(expected === 'ko' ? '서비스 상태' : 'サービスの状況'));
      assert.deepEqual({ english: englishWords(html), clock: machineClock(html) }, { english: [], clock: [] });
    });
  }

  it('offers a language switch that wins over the browser', async () => {
    const html = await (await status({ 'accept-language': 'ko' })).text();
    assert.match(html, /<a href="\/status\?lang=ja" hreflang="ja" lang="ja">日本語<\/a>/);
    const chosen = await (await status({ 'accept-language': 'ko' }, '/status?lang=ja')).text();
    assert.match(chosen, /<html lang="ja">/);
  });

  it('heads each outage with when it began, and a range under a minute as one time', async () => {
    const ko = await (await status({ 'accept-language': 'ko' })).text();
    const heads = [...ko.matchAll(/<span class="state">([^<]+)<\/span> · <time datetime="[^"]+">([^<]+)<\/time>/g)].map((m) => `${m[1]} · ${m[2]}`);
    assert.deepEqual(heads.sort(), ['진행 중 · 5월 20일 오전 8시 10분부터', '해결됨 · 5월 20일 오전 7시 55분'].sort());
    const ja = await (await status({ 'accept-language': 'ja' })).text();
    assert.ok(ja.includes('5月20日 7時55分</time>'), 'one time, not 7時55分〜7時55分');
    assert.ok(ja.includes('5月20日 8時10分から'));
  });

  it('reads on a phone in Korean and Japanese: nothing one character per line, nothing wider than the screen', async () => {
    const browser = await launchChromium();
    try {
      for (const locale of ['ko-KR', 'ja-JP']) {
        for (const width of [390, 1280]) {
          const context = await windowOf(browser, width, locale);
          const page = await context.newPage();
          await page.goto(`${t.url}/status`);
          assert.equal(await page.locator('html').getAttribute('lang'), locale.slice(0, 2));
          assert.deepEqual(await oneCharacterLines(page), [], `${locale} at ${width} px`);
          assert.ok((await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)) <= 0, `${locale} at ${width} px scrolls sideways`);
          await screenshot(page, `status-${locale}-${width}`);
          await context.close();
        }
      }
    } finally {
      await browser.close();
    }
  });

  it('dates an empty feed at a real, steady time', () => {
    const updated = /<feed[^]*?<updated>([^<]+)<\/updated>/.exec(emptyFeedText)![1]!;
    assert.ok(Date.parse(updated) > Date.parse('2026-01-01'), `updated ${updated}`);
    assert.ok(emptyFeed.headers.get('etag'));
  });

  it('keeps a finished maintenance window\'s thread in the feed', async () => {
    const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();
    const ours = async (key: string) => (await apiCall(t.url, 'GET', `/api/maintenance/${key}`)).body.tweets.filter((p: { account: string }) => p.account === 'x');
    const { key } = (await apiCall(t.url, 'POST', '/api/maintenance', { service: 'KakaoTalk', feature: 'messaging', startsAt: inSeconds(1), endsAt: inSeconds(3600), announceAhead: [] })).body;
    await t.waitFor(async () => (await ours(key)).length === 1 || undefined, 'the start notice', 15_000);
    assert.equal((await apiCall(t.url, 'POST', `/api/maintenance/${key}/done`)).status, 200);
    const posted = await t.waitFor(async () => {
      const tweets = await ours(key);
      return tweets.length === 2 ? tweets : undefined;
    }, 'the done notice');
    const feed = await (await status({}, '/status/feed.xml')).text();
    for (const tweet of posted) assert.ok(feed.includes(`status/${tweet.id}`), `maintenance tweet ${tweet.id} in the feed`);
    assert.ok(!(await (await status()).text()).includes(`id="m-${key}"`), 'no longer on the page as upcoming');
  });
});
