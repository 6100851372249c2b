import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { consoleEnv, PEOPLE } from './helpers/console.ts';
import { consoleScene, launchChromium, oneCharacterLines, screenshot, signIn, windowOf } from './helpers/browser.ts';
import { startTestHerald, type TestHerald } from './helpers/herald.ts';

/**
 * The console on a phone (390 px, Chromium) in Korean and Japanese: the navigation folds behind a
 * menu button, tables become stacked cards, nothing wraps one character per line, nothing scrolls
 * sideways. Screenshots at 390 and 1280 px go to test-results/screens/ (git-ignored) to look at.
 */
/** Placeholders wider than their field: the hint a person reads is cut off ("投稿すべきでない理"). */
function cutHints(page: Page): Promise<string[]> {
  return page.locator('input[placeholder]:visible').evaluateAll((inputs) => {
    const context = document.createElement('canvas').getContext('2d')!;
    return (inputs as HTMLInputElement[]).flatMap((input) => {
      const style = getComputedStyle(input);
      context.font = style.font;
      const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      return context.measureText(input.placeholder).width > room ? [input.placeholder] : [];
    });
  });
}

describe('the console on a phone', () => {
  let t: TestHerald;
  let browser: Browser;
  let incident: string;

  before(async () => {
    t = await startTestHerald(await consoleEnv({ HERALD_LOCALE: 'ko' }));
    ({ incident } = await consoleScene(t));
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  const pages = (): [string, string][] => [
    ['drafts', '/console'],
    ['incidents', '/console/incidents'],
    ['incident', `/console/incidents/${incident}`],
    ['maintenance', '/console/maintenance'],
    ['audit', '/console/audit'],
  ];

  for (const [locale, menu] of [['ko-KR', '메뉴'], ['ja-JP', 'メニュー']] as const) {
    it(`folds the navigation into a menu and stacks tables at 390 px, in ${locale}`, async () => {
      const context = await windowOf(browser, 390, locale);
      const page = await context.newPage();
      await signIn(page, t.url, PEOPLE.admin);
      const toggle = page.getByRole('button', { name: menu });
      await toggle.waitFor();
      assert.equal(await page.locator('nav').isVisible(), false, 'the navigation is folded');
      await toggle.click();
      assert.equal(await page.locator('nav').isVisible(), true, 'the menu opens it');
      assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
      await screenshot(page, `${locale}-390-menu`);

      const problems: Record<string, unknown> = {};
      for (const [name, path] of pages()) {
        await page.goto(`${t.url}${path}`);
        const squeezed = await oneCharacterLines(page);
        const sideways = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (squeezed.length || sideways > 0) problems[name] = { squeezed, sideways };
        await screenshot(page, `${locale}-390-${name}`);
      }
      assert.deepEqual(problems, {});
      await page.goto(`${t.url}/console`);
      assert.deepEqual(await cutHints(page), [], 'every field shows its whole hint');
      await page.goto(`${t.url}/console/audit`);
      assert.equal(await page.locator('table.audit thead').isVisible(), false, 'no header row on a phone');
      assert.equal(await page.locator('table.audit tr').nth(1).evaluate((row) => getComputedStyle(row).display), 'block', 'each entry a card');
      await context.close();
    });

    it(`keeps the wide layout at 1280 px, in ${locale}`, async () => {
      const context = await windowOf(browser, 1280, locale);
      const page = await context.newPage();
      await signIn(page, t.url, PEOPLE.admin);
      assert.equal(await page.locator('nav').isVisible(), true);
      assert.equal(await page.locator('.menu-toggle').isVisible(), false);
      for (const [name, path] of pages()) {
        await page.goto(`${t.url}${path}`);
        assert.deepEqual(await oneCharacterLines(page), [], name);
        await screenshot(page, `${locale}-1280-${name}`);
      }
      await context.close();
    });
  }

  it('wraps a Korean tweet between words on a Japanese page, and a Japanese one as Japanese', async () => {
    const context = await windowOf(browser, 390, 'ja-JP');
    const page = await context.newPage();
    await signIn(page, t.url, PEOPLE.admin);
    await page.goto(`${t.url}/console`);
    assert.equal(await page.locator('html').getAttribute('lang'), 'ja');
    // The account speaks Korean: its tweets and the text being edited say so, and wrap as Korean does.
    const korean = page.locator('.tweet-text[lang="ko"], textarea[lang="ko"]');
    assert.ok((await korean.count()) > 0, 'the tweets are marked Korean');
    assert.deepEqual([...new Set(await korean.evaluateAll((els) => els.map((el) => getComputedStyle(el).wordBreak)))], ['keep-all']);
    assert.equal(await page.locator('h1').evaluate((el) => getComputedStyle(el).wordBreak), 'normal', 'the Japanese page itself');
    // The incident page's preview of what followers read is the account's Korean too.
    await page.goto(`${t.url}/console/incidents/${incident}`);
    assert.ok((await page.locator('.preview .text[lang="ko"]').count()) > 0, 'the preview is marked Korean');
    assert.deepEqual([...new Set(await page.locator('.preview .text').evaluateAll((els) => els.map((el) => getComputedStyle(el).wordBreak)))], ['keep-all']);
    await context.close();
  });

  it('has an icon', async () => {
    const res = await fetch(`${t.url}/favicon.ico`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/png');
  });
});
