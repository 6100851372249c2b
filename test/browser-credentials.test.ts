/**
 * The cross-site attack of issue 25 in a real browser: an admin's Chromium has typed the API token
 * into a basic-auth prompt (here /metrics), so it sends it with every request to herald; a page on
 * another origin then form-posts an incident with an attacker's link, and an approval. Both must
 * be refused and nothing reach X.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { API_TOKEN, apiCall, consoleEnv, quiet } from './helpers/console.ts';
import { startTestHerald, type TestHerald } from './helpers/herald.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A page that posts a form to `action` as soon as it loads: what an attacker's site would serve. */
function formPage(action: string, fields: Record<string, string>, enctype = 'application/x-www-form-urlencoded'): string {
  const inputs = Object.entries(fields).map(([name, value]) => `<input type="hidden" name="${name}" value="${value.replace(/"/g, '&quot;')}">`).join('');
  return `<!doctype html><form id="f" method="post" enctype="${enctype}" action="${action}">${inputs}</form><script>document.getElementById('f').submit()</script>`;
}

describe('a browser holding the API token as basic-auth credentials cannot be made to act by another site', () => {
  let t: TestHerald;
  let browser: Browser;
  let context: BrowserContext;
  let attacker: Server;
  let attackerUrl: string;
  const pages = new Map<string, string>();

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium`);
    t = await startTestHerald(await consoleEnv({ HERALD_METRICS_TOKEN: 'metrics-token-for-prometheus' }));
    attacker = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end(pages.get(req.url ?? '') ?? 'nothing here');
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    // Another origin than herald's 127.0.0.1: another host name for the same address.
    attackerUrl = `http://localhost:${(attacker.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    context = await browser.newContext();
    // The admin opens /metrics with the token in the address once (as answering its prompt would);
    // from then on the browser sends it by itself with every request to herald's origin.
    const page = await context.newPage();
    const metrics = await page.goto(t.url.replace('http://', `http://ops:${API_TOKEN}@`) + '/metrics');
    assert.equal(metrics?.status(), 200);
    // It now sends the token unasked: Bull Board's queue list opens without a prompt.
    const board = await page.goto(`${t.url}/admin/queues/api/queues`);
    assert.equal(board?.status(), 200, 'the browser holds the token as basic-auth credentials');
    await page.close();
  });
  after(async () => {
    await browser?.close();
    attacker?.close();
    await t?.close();
  });

  /** Opens the attacker's page and returns herald's answer to the form it posts. */
  async function attack(path: string, target: string, fields: Record<string, string>, enctype?: string) {
    pages.set(path, formPage(`${t.url}${target}`, fields, enctype));
    const page = await context.newPage();
    const answer = page.waitForResponse((r) => r.url() === `${t.url}${target}`);
    await page.goto(`${attackerUrl}${path}`);
    const response = await answer;
    const result = { status: response.status(), body: await response.text() };
    await page.close();
    return result;
  }

  it('refuses an incident form-posted from another site, and creates nothing', async () => {
    const key = 'evil-claim';
    const got = await attack('/incident', '/api/incidents', { service: 'KakaoTalk', feature: 'messaging', severity: 'critical', key, text: 'Official: claim your compensation at https://evil.example/claim' });
    assert.equal(got.status, 403, got.body);
    assert.equal(JSON.parse(got.body).code, 'HERALD_BROWSER_CREDENTIALS');
    assert.equal((await apiCall(t.url, 'GET', `/api/incidents/${key}`)).status, 404);
  });

  it('refuses an approval form-posted from another site, and nothing is posted', async () => {
    const created = await apiCall(t.url, 'POST', '/api/incidents', { service: 'KakaoTalk', feature: 'login', severity: 'major', key: 'real-login-outage' });
    assert.equal(created.status, 201);
    const id = 'real-login-outage~open-1';
    for (const enctype of ['application/x-www-form-urlencoded', 'text/plain']) {
      const got = await attack(`/approve-${enctype.length}`, `/api/drafts/${encodeURIComponent(id)}/approve`, { text: 'Official: claim your compensation at https://evil.example/claim' }, enctype);
      assert.equal(got.status, 403, `${enctype}: ${got.body}`);
      assert.equal(JSON.parse(got.body).code, 'HERALD_BROWSER_CREDENTIALS');
    }
    assert.equal((await apiCall(t.url, 'GET', `/api/drafts/${encodeURIComponent(id)}`)).body.status, 'draft');
    await quiet(t);
    assert.equal(t.fakeX.posts.length, 0);
  });
});

describe('the API takes JSON bodies only', () => {
  let t: TestHerald;
  before(async () => {
    t = await startTestHerald(await consoleEnv());
  });
  after(async () => t?.close());

  const send = async (method: string, path: string, type: string | undefined, body: string) => {
    const headers: Record<string, string> = { authorization: `Bearer ${API_TOKEN}` };
    if (type) headers['content-type'] = type;
    const res = await fetch(t.url + path, { method, headers, body });
    return { status: res.status, body: (await res.json()) as { code?: string } };
  };

  it('answers 415 with a coded body to a form, text/plain or untyped body on every state change, and changes nothing', async () => {
    const cases: [string, string, string | undefined, string][] = [
      ['POST', '/api/incidents', 'application/x-www-form-urlencoded', 'service=KakaoTalk&feature=login&severity=major&key=form-made'],
      ['POST', '/api/incidents', 'text/plain', '{"service":"KakaoTalk","feature":"login","severity":"major","key":"text-made"}'],
      ['POST', '/api/incidents', 'multipart/form-data; boundary=x', '--x--'],
      ['POST', '/api/x/resume', 'text/plain', 'resume'],
      ['POST', '/api/accounts/x/resume', 'text/plain', 'resume'],
      ['PATCH', '/api/incidents/form-made', 'text/plain', '{"phase":"identified"}'],
    ];
    for (const [method, path, type, body] of cases) {
      const got = await send(method, path, type, body);
      assert.equal(got.status, 415, `${method} ${path} as ${type}`);
      assert.equal(got.body.code, 'HERALD_JSON_ONLY', `${method} ${path} as ${type}`);
    }
    for (const key of ['form-made', 'text-made']) assert.equal((await apiCall(t.url, 'GET', `/api/incidents/${key}`)).status, 404);
  });

  it('still takes JSON, and a bodiless POST such as an approval', async () => {
    assert.equal((await send('POST', '/api/incidents', 'application/json; charset=utf-8', '{"service":"KakaoTalk","feature":"login","severity":"major","key":"json-made"}')).status, 201);
    assert.equal((await apiCall(t.url, 'POST', '/api/drafts/json-made~open-1/approve')).status, 200);
  });
});
