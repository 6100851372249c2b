import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Incident, Post } from '../src/incidents/model.ts';
import { launchChromium, signIn } from './helpers/browser.ts';
import { apiCall, ConsoleClient, consoleEnv, PEOPLE } from './helpers/console.ts';
import { event, startTestHerald, type TestHerald } from './helpers/herald.ts';
import { storedIncident } from './helpers/incidents.ts';

/**
 * A flood leaves 5,000 incidents, each with an announcement waiting for a person (issue 25 saw a
 * 6.2 MB drafts page, reloaded by every open console). Every console page and the `/api` lists it
 * uses stay under 200 KB and quick, and the next page shows the rest.
 */

const COUNT = 5000;
const LIMIT_BYTES = 200 * 1024;

// A long Korean draft, as a flood's would be: the pages' size comes from many of these.
const TEXT = 'KakaoTalk 메시지 전송이 늦어지고 있어요. 원인을 확인하고 있으며, 확인되는 대로 다시 알려 드릴게요. 불편을 드려 죄송해요. 잠시만 기다려 주세요.';

/** The record a flood's incident has in Redis: its announcement held for approval, with the audit entry of the hold. */
function flooded(n: number, base: number): Incident {
  const at = new Date(base + n * 1000).toISOString();
  const post: Post = {
    id: 'open-1',
    kind: 'open',
    status: 'draft',
    dueAt: at,
    attempts: 0,
    text: TEXT,
    approval: { rule: 'HERALD_APPROVAL=required', heldAt: at, deadline: new Date(base + 86_400_000 + n * 1000).toISOString(), onTimeout: 'expire' },
  };
  return storedIncident(`flood-${String(n).padStart(4, '0')}`, {
    service: `Service${n}`,
    severity: 'critical',
    firstSeenAt: at,
    posts: [post],
    audit: [{ at, actor: 'herald', action: 'held', postId: 'open-1', reason: 'HERALD_APPROVAL=required' }],
  });
}

describe('console lists after a flood of 5,000 drafts', () => {
  let t: TestHerald;
  let c: ConsoleClient;
  const keys: string[] = [];

  before(async () => {
    t = await startTestHerald(await consoleEnv());
    const started = performance.now();
    const base = Date.now();
    // Through the store's own compare-and-set script, as the incident worker writes them.
    for (let from = 0; from < COUNT; from += 500) {
      await Promise.all(
        Array.from({ length: 500 }, (_, i) => {
          const incident = flooded(from + i, base);
          keys.push(incident.key);
          return t.herald.store.update(incident.key, () => ({ next: incident, result: undefined }));
        }),
      );
    }
    console.log(`# wrote ${COUNT} incidents with drafts in ${Math.round(performance.now() - started)} ms`);
    c = new ConsoleClient(t.url);
    assert.equal((await c.signIn(PEOPLE.admin.name, PEOPLE.admin.password)).status, 303);
  });
  after(async () => {
    await t?.close();
  });

  const timed = async (path: string, get: (path: string) => Promise<{ status: number; text: string; headers: Headers; body: any }>) => {
    const started = performance.now();
    const answer = await get(path);
    const ms = performance.now() - started;
    assert.equal(answer.status, 200, `${path}: ${answer.text.slice(0, 200)}`);
    const bytes = Buffer.byteLength(answer.text);
    assert.ok(bytes < LIMIT_BYTES, `${path} is ${bytes} bytes`);
    assert.ok(ms < 3000, `${path} took ${Math.round(ms)} ms`);
    console.log(`# ${path}: ${bytes} bytes, ${Math.round(ms)} ms`);
    return answer;
  };

  it('keeps every console page under 200 KB and answers quickly', async () => {
    for (const path of ['/console', '/console?page=2', '/console/drafts/live?page=2', '/console/incidents', '/console/incidents?page=2', '/console/audit', '/console/audit?page=2']) {
      await timed(path, (p) => c.get(p));
    }
  });

  it('keeps the /api lists the console uses under 200 KB', async () => {
    for (const path of ['/api/drafts', '/api/drafts?page=2', '/api/incidents', '/api/incidents?limit=100', '/api/audit']) {
      await timed(path, (p) => apiCall(t.url, 'GET', p));
    }
  });

  it('shows the next drafts on page 2 and says how many wait', async () => {
    const first = await c.get('/console');
    const second = await c.get('/console?page=2');
    const ids = (html: string) => [...html.matchAll(/<article class="draft"[^>]*data-id="([^"]+)"/g)].map((m) => m[1]!);
    assert.deepEqual(ids(first.text), keys.slice(0, 25).map((k) => `${k}~open-1`), 'the nearest deadlines first');
    assert.deepEqual(ids(second.text), keys.slice(25, 50).map((k) => `${k}~open-1`));
    assert.match(first.text, /rel="next" href="\/console\?page=2"/);
    assert.match(second.text, /rel="prev" href="\/console"/);
    assert.match(first.text, /Page 1 · 5000 in all/);
  });

  it('shows older incidents on page 2 of the incidents', async () => {
    const second = await c.get('/console/incidents?page=2');
    const shown = [...second.text.matchAll(/<td class="id"[^>]*><a href="\/console\/incidents\/([^"]+)"/g)].map((m) => m[1]!);
    // Most recently seen first: the flood's last incidents lead page 1.
    assert.deepEqual(shown, [...keys].reverse().slice(50, 100));
  });

  it('walks every draft and every incident through the API pages, each once', async () => {
    const walk = async (path: string) => {
      const seen: string[] = [];
      let next: string | undefined = path;
      while (next) {
        const page = await apiCall(t.url, 'GET', next);
        assert.equal(page.status, 200);
        seen.push(...page.body.map((row: { id?: string; key?: string }) => row.key ?? row.id));
        next = /<([^>]+)>; rel="next"/.exec(page.headers.get('link') ?? '')?.[1];
      }
      return seen;
    };
    const drafts = await walk('/api/drafts');
    assert.equal(drafts.length, COUNT);
    assert.equal(new Set(drafts).size, COUNT);
    assert.equal((await apiCall(t.url, 'GET', '/api/drafts')).headers.get('x-total-count'), String(COUNT));
    const incidents = await walk('/api/incidents?limit=100');
    assert.equal(incidents.length, COUNT);
    assert.equal(new Set(incidents).size, COUNT);
  });

  it('refuses a page that is not a page number', async () => {
    const answer = await apiCall(t.url, 'GET', '/api/drafts?page=0');
    assert.equal(answer.status, 400);
    assert.match(JSON.stringify(answer.body), /page/);
    assert.equal((await c.get('/console?page=abc')).status, 200, 'the console shows the first page instead');
  });

  it('shows a new draft live on the page it belongs to, with the stream open', async () => {
    const browser = await launchChromium();
    try {
      const page = await (await browser.newContext({ locale: 'en-US' })).newPage();
      await signIn(page, t.url, PEOPLE.approver);
      await page.waitForFunction(() => (window as any).heraldEvents?.readyState === 1);
      assert.equal(await page.locator('article.draft').count(), 25);
      // The flood's drafts wait a day; a new one's deadline is nearer, so it leads page 1 and the 25th moves to page 2.
      const e = event({ key: `late-${Date.now()}` });
      await t.send(e);
      await page.locator(`article.draft[data-id="${e.key}~open-1"]`).waitFor({ timeout: 15_000 });
      await page.locator(`article.draft[data-id="${keys[24]}~open-1"]`).waitFor({ state: 'detached' });
      assert.equal(await page.locator('article.draft').count(), 25);
      assert.equal(await page.locator('#draft-count').innerText(), String(COUNT + 1));
      await page.locator('[data-pager]', { hasText: `${COUNT + 1} in all` }).waitFor({ timeout: 5000 });
    } finally {
      await browser.close();
    }
  });
});
