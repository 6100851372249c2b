import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { apiCall, consoleEnv, newDraft, PEOPLE } from './helpers/console.ts';
import { event, startTestHerald, type TestHerald } from './helpers/herald.ts';

/**
 * The console in a real browser: Debian's Chromium (installed by .ci/run from .ci/system-packages),
 * driven by playwright-core, which downloads no browser of its own. docs/console.png comes from
 * scripts/console-screenshot.ts, built on test/helpers/browser.ts.
 */
const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('the console in a real browser', () => {
  let t: TestHerald;
  let browser: Browser;
  let page: Page;

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium (.ci/run does it from .ci/system-packages)`);
    t = await startTestHerald(await consoleEnv());
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    page = await browser.newPage({ viewport: { width: 1180, height: 1000 } });
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  it('signs in, sees a new draft arrive without reloading, edits it, approves it, and it is posted to X', async () => {
    await page.goto(`${t.url}/console`);
    assert.match(page.url(), /\/console\/login$/);
    await page.fill('#name', PEOPLE.approver.name);
    await page.fill('#password', PEOPLE.approver.password);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/console$/);
    await page.getByText('No drafts waiting').waitFor();

    const e = event();
    await t.send(e);
    const id = `${e.key}~open-1`;
    const card = page.locator(`article.draft[data-id="${id}"]`);
    await card.waitFor({ timeout: 10_000 });

    const edited = 'KakaoTalk messages are arriving late for some people. It is on our side: please keep the app installed, your chats are safe.';
    await card.locator('textarea').fill(edited);
    await card.locator('[data-counter]').getByText(`${edited.length} / 280`).waitFor();
    await card.getByRole('button', { name: 'Save edit' }).click();
    await page.getByText('Saved. It still waits for approval.').waitFor();
    assert.equal((await apiCall(t.url, 'GET', `/api/drafts/${id}`)).body.text, edited);

    await page.locator(`article.draft[data-id="${id}"]`).getByRole('button', { name: 'Approve and post' }).click();
    await page.getByText('Approved: it goes out now').waitFor();
    const [tweet] = await t.fakeX.waitForPosts(1);
    assert.equal(tweet!.text, edited);
  });

  it('counts Hangul double in the live counter, as X does', async () => {
    await page.goto(`${t.url}/console/announcements/new`);
    await page.fill('#text', '카카오톡 새 기능'); // 7 Hangul weigh 14, 2 spaces 2
    await page.locator('[data-counter]').getByText('16 / 280').waitFor();
  });

  it('shows a waiting reply inside the thread it joins', async () => {
    const e = event({ key: `talk-login-${Date.now().toString(36)}`, feature: 'login', severity: 'critical' });
    await apiCall(t.url, 'POST', `/api/drafts/${await newDraft(t, e)}/approve`);
    await t.waitFor(async () => (await t.herald.store.get(e.key))?.posts[0]?.status === 'posted', 'the open tweet');
    await t.send({ ...e, status: 'resolved', at: '2026-05-20T00:47:00+09:00' });
    await apiCall(t.url, 'POST', '/api/incidents', { service: 'KakaoTalk', feature: 'notifications', severity: 'major' });

    await page.goto(`${t.url}/console`);
    const reply = page.locator(`article.draft[data-id="${e.key}~resolved-1"]`);
    await reply.waitFor({ timeout: 10_000 });
    assert.equal(await reply.locator('.thread > li.tweet.posted').count(), 1, 'the posted announcement sits above the draft');
  });
});
