import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { hashPassword } from '../src/auth/users.ts';
import { API_TOKEN, tempFile } from './helpers/console.ts';
import { event, startTestHerald, type TestHerald } from './helpers/herald.ts';

/** The console in Korean in a real browser (Debian's Chromium through playwright-core). */
const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const MINA = { name: 'mina', password: 'mina-password-1' };

describe('the console in Korean in a real browser', () => {
  let t: TestHerald;
  let browser: Browser;
  let page: Page;

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium (.ci/run does it from .ci/system-packages)`);
    const users = tempFile('users.yaml', `users:\n  - name: ${MINA.name}\n    role: approver\n    locale: ko\n    timezone: Asia/Seoul\n    passwordHash: "${await hashPassword(MINA.password)}"\n`);
    t = await startTestHerald({ HERALD_USERS_FILE: users, HERALD_API_TOKEN: API_TOKEN, HERALD_APPROVAL: 'required', HERALD_LOCALE: 'en' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    // The browser asks for Korean on the sign-in page; after it, the users file says Korean too.
    const context = await browser.newContext({ locale: 'ko-KR', viewport: { width: 1180, height: 1000 } });
    await context.grantPermissions(['notifications'], { origin: t.url });
    // Records each notification the page raises, then raises it for real.
    await context.addInitScript(() => {
      const Real = window.Notification;
      const raised: { title: string; body?: string }[] = ((window as any).raised = []);
      (window as any).Notification = class extends Real {
        constructor(title: string, options?: NotificationOptions) {
          super(title, options);
          raised.push({ title, body: options?.body });
        }
      };
    });
    page = await context.newPage();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  it('signs in and approves a draft with Korean words and Korean dates', async () => {
    await page.goto(`${t.url}/console`);
    await page.getByLabel('이름').fill(MINA.name);
    await page.getByLabel('비밀번호').fill(MINA.password);
    await page.getByRole('button', { name: '로그인' }).click();
    await page.waitForURL(/\/console$/);
    await page.getByText('기다리는 초안이 없어요').waitFor();

    const e = event();
    await t.send(e);
    const card = page.locator(`article.draft[data-id="${e.key}~open-1"]`);
    await card.waitFor({ timeout: 10_000 });
    const deadline = await card.locator('.deadline').innerText();
    // The tweets' clock words, today's day left out, and how long is left: "오전 8시 14분(21분 후)까지".
    assert.match(deadline, /(시|자정)( \d{1,2}분)?\([^)]*\d+(분|시간)[^)]* 후\)까지 아무도 결정하지 않으면 그대로 게시돼요/);
    assert.doesNotMatch(deadline, /AM|PM|GMT|초/);
    assert.match(await card.locator('header').innerText(), /첫 공지.*메시지.*주요/s);

    await card.getByRole('button', { name: '승인하고 게시' }).click();
    await page.getByText('승인했어요. 지금 게시돼요.').waitFor();
    const [tweet] = await t.fakeX.waitForPosts(1);
    assert.ok(tweet!.text.length > 0);
    assert.equal(await page.locator('html').getAttribute('lang'), 'ko');
  });

  it('raises a browser notification for a new draft once the approver allowed it', async () => {
    await page.goto(`${t.url}/console`);
    await page.waitForFunction(() => (window as any).heraldEvents?.readyState === 1);
    const e = event();
    await t.send(e);
    await page.locator(`article.draft[data-id="${e.key}~open-1"]`).waitFor({ timeout: 10_000 });
    const raised = await page.waitForFunction(() => (window as any).raised.length > 0 && (window as any).raised);
    assert.deepEqual(await raised.jsonValue(), [{ title: '승인을 기다리는 트윗이 있어요', body: 'KakaoTalk: 콘솔에서 승인, 수정 또는 반려해 주세요.' }]);
  });
});
