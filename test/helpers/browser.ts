/**
 * The console in a real browser: Debian's Chromium driven by playwright-core (which downloads no
 * browser of its own), a scene of drafts, incidents and maintenance to look at, and screenshots
 * into a git-ignored folder. Shared by the browser tests and scripts/console-screenshot.ts.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { apiCall, newDraft } from './console.ts';
import { event, type TestHerald } from './herald.ts';

export const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** Where screenshots go for a person to look at (test-results/ is git-ignored). */
export const SCREENS = fileURLToPath(new URL('../../test-results/screens/', import.meta.url));

export async function launchChromium(): Promise<Browser> {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium (.ci/run does it from .ci/system-packages)`);
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

/** A browser window `width` px wide asking for `locale` (ko-KR, ja-JP, en-US). */
export function windowOf(browser: Browser, width: number, locale: string): Promise<BrowserContext> {
  return browser.newContext({ locale, viewport: { width, height: width < 600 ? 844 : 900 }, deviceScaleFactor: width < 600 ? 2 : 1, isMobile: width < 600, hasTouch: width < 600 });
}

export async function signIn(page: Page, base: string, person: { name: string; password: string }): Promise<void> {
  await page.goto(`${base}/console/login`);
  await page.fill('#name', person.name);
  await page.fill('#password', person.password);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/console$/);
}

/** Something on every page: drafts waiting (one edited), a thread with a reply waiting, a window scheduled. Returns an incident key. */
export async function consoleScene(t: TestHerald, edit = 'KakaoTalk 알림이 늦게 도착하고 있어요. 원인을 확인하고 있어요.'): Promise<{ incident: string }> {
  const posted = event({ key: `talk-login-${Date.now().toString(36)}`, feature: 'login', severity: 'critical' });
  await apiCall(t.url, 'POST', `/api/drafts/${await newDraft(t, posted)}/approve`);
  await t.waitFor(async () => (await t.herald.store.get(posted.key))?.posts[0]?.status === 'posted' || undefined, 'the open tweet');
  await t.send({ ...posted, status: 'resolved', at: '2026-05-20T00:47:00+09:00' });
  const edited = await newDraft(t, event({ feature: 'notifications' }));
  assert.equal((await apiCall(t.url, 'PATCH', `/api/drafts/${edited}`, { text: edit })).status, 200);
  const inHours = (h: number) => new Date(Date.now() + h * 3600_000).toISOString();
  await apiCall(t.url, 'POST', '/api/maintenance', { service: 'KakaoTalk', feature: 'messaging', startsAt: inHours(30), endsAt: inHours(32), announceAhead: ['PT24H'] });
  await t.waitFor(async () => (await apiCall(t.url, 'GET', '/api/drafts')).body.some((d: { id: string }) => d.id === `${posted.key}~resolved-1`) || undefined, 'the resolution draft');
  return { incident: posted.key };
}

/** Text that the layout broke into one character per line (a squeezed column, a wrapped button). */
export function oneCharacterLines(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = (node.textContent ?? '').trim();
      const element = node.parentElement;
      if (text.length < 2 || !element || element.closest('script, style, textarea, option, .visually-hidden')) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const lines = [...range.getClientRects()].filter((r) => r.width > 0);
      if (lines.length < 2) continue;
      const em = parseFloat(getComputedStyle(element).fontSize);
      const narrow = lines.filter((r) => r.width < em * 1.6).length;
      if (narrow >= 2 && narrow >= lines.length - 1) found.push(text.slice(0, 40));
    }
    return found;
  });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENS, { recursive: true });
  const path = `${SCREENS}${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}
