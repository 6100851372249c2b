/**
 * Regenerates docs/console.png: a herald with the test fakes (Redis at REDIS_URL or 127.0.0.1),
 * the browser tests' scene (drafts waiting, a reply in its thread, a maintenance window), an
 * approver signed in, Chromium at 1180 px. Run: node --import tsx scripts/console-screenshot.ts
 */
import { fileURLToPath } from 'node:url';
import { consoleEnv, PEOPLE } from '../test/helpers/console.ts';
import { consoleScene, launchChromium, signIn, windowOf } from '../test/helpers/browser.ts';
import { startTestHerald } from '../test/helpers/herald.ts';

const OUT = fileURLToPath(new URL('../docs/console.png', import.meta.url));

const t = await startTestHerald(await consoleEnv({ HERALD_LOCALE: 'en' }));
const browser = await launchChromium();
try {
  await consoleScene(t, 'KakaoTalk notifications are arriving late for some people. We are on it; no need to change your settings.');
  const context = await windowOf(browser, 1180, 'en-US');
  const page = await context.newPage();
  await signIn(page, t.url, PEOPLE.approver);
  await page.locator('article.draft').first().waitFor();
  await page.screenshot({ path: OUT });
  console.log(`wrote ${OUT}`);
} finally {
  await browser.close();
  await t.close();
}
