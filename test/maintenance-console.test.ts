import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { DateTime } from 'luxon';
import { chromium, type Browser, type Page } from 'playwright-core';
import { apiCall, consoleEnv, PEOPLE } from './helpers/console.ts';
import { startTestHerald, type TestHerald } from './helpers/herald.ts';

/** As in console-browser.test.ts: Debian's Chromium driven by playwright-core. */
const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ZONE = 'Asia/Seoul'; // the console's zone in these tests (HERALD_TIMEZONE's default)

describe('maintenance in the console, in a real browser', () => {
  let t: TestHerald;
  let browser: Browser;
  let page: Page;

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium (.ci/run does it from .ci/system-packages)`);
    t = await startTestHerald(await consoleEnv());
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    page = await browser.newPage({ viewport: { width: 1180, height: 1000 } });
    await page.goto(`${t.url}/console/login`);
    await page.fill('#name', PEOPLE.approver.name);
    await page.fill('#password', PEOPLE.approver.password);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/console$/);
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  const local = (minutesFromNow: number) => DateTime.now().setZone(ZONE).plus({ minutes: minutesFromNow }).startOf('minute').toFormat("yyyy-MM-dd'T'HH:mm");

  it('schedules a window from the form, lists it, and cancels it', async () => {
    await page.getByRole('link', { name: 'Maintenance' }).click();
    await page.waitForURL(/\/console\/maintenance$/);
    await page.getByText('No maintenance scheduled.').waitFor();
    await page.fill('#service', 'KakaoTalk');
    await page.selectOption('#feature', 'messaging');
    await page.fill('#startsAt', local(24 * 60));
    await page.fill('#endsAt', local(26 * 60));
    await page.fill('#announceAhead', 'PT1H');
    await page.getByRole('button', { name: 'Schedule' }).click();
    await page.getByText('Scheduled: its notices go out at their times').waitFor();

    const [window] = (await apiCall(t.url, 'GET', '/api/maintenance')).body;
    assert.equal(window.service, 'KakaoTalk');
    assert.equal(window.state, 'scheduled');
    assert.deepEqual(window.announceAhead, ['PT1H']);
    assert.equal(DateTime.fromISO(window.startsAt).setZone(ZONE).toFormat("yyyy-MM-dd'T'HH:mm"), local(24 * 60), 'read in the console\'s zone');
    const row = page.locator(`tr[data-key="${window.key}"]`);
    await row.getByText('scheduled').waitFor();

    await row.getByRole('button', { name: 'Cancel' }).click();
    await page.getByText('Cancelled.').waitFor();
    assert.equal((await apiCall(t.url, 'GET', `/api/maintenance/${window.key}`)).body.state, 'cancelled');
  });

  it('finishes a window in progress early', async () => {
    const startsAt = new Date(Date.now() + 1000).toISOString();
    const made = await apiCall(t.url, 'POST', '/api/maintenance', { service: 'KakaoTalk', feature: 'login', startsAt, endsAt: new Date(Date.now() + 3600_000).toISOString(), announceAhead: [] });
    assert.equal(made.status, 201);
    await t.waitFor(async () => Date.now() > Date.parse(startsAt) || undefined, 'the start');
    await page.goto(`${t.url}/console/maintenance`);
    const row = page.locator(`tr[data-key="${made.body.key}"]`);
    await row.getByText('in progress').waitFor();
    await row.getByRole('button', { name: 'Finish now' }).click();
    await page.getByText('Finished: the "done" notice goes out now.').waitFor();
    assert.equal((await apiCall(t.url, 'GET', `/api/maintenance/${made.body.key}`)).body.state, 'done');
  });

  it('names the bad fields of a form it refuses', async () => {
    await page.goto(`${t.url}/console/maintenance`);
    await page.fill('#service', 'KakaoTalk');
    await page.fill('#startsAt', local(60));
    await page.fill('#endsAt', local(30));
    await page.fill('#announceAhead', 'soon');
    await page.getByRole('button', { name: 'Schedule' }).click();
    await page.getByText('announceAhead.0: an ISO-8601 duration').waitFor();
  });
});
