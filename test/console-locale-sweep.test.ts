import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { apiCall, ConsoleClient, consoleEnv, newDraft, PEOPLE, quiet, tempFile } from './helpers/console.ts';
import { event, startTestHerald, type TestHerald } from './helpers/herald.ts';
import { englishWords, machineClock } from './helpers/latin-words.ts';

/**
 * Every console page, in Korean and Japanese, says nothing in English a person reads and writes
 * no machine clock ("AM", "GMT+9"): drafts in each state, the incident page with its facts form
 * and preview, maintenance, audit, sign-in and the error pages. English is checked to render too.
 */

// The account speaks Korean (its tweets are not the console's words). A draft expires, another is posted on its deadline, the rest wait for a person.
const RULES = `
rules:
  - severity: minor
    approval: required
    timeoutSeconds: 0.3
    onTimeout: expire
  - severity: critical
    approval: required
    timeoutSeconds: 0.3
    onTimeout: post
  - approval: required
`;

const LOCALES = ['ko', 'ja', 'en'] as const;

describe('every console page in the reader\'s language', () => {
  let t: TestHerald;
  let dir: string;
  const pages = new Map<string, string>(); // path -> what it shows
  const forms: { name: string; path: string; form: Record<string, string> }[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'herald-sweep-'));
    // Dry run, so the banner shows on every page.
    t = await startTestHerald(
      await consoleEnv({ HERALD_LOCALE: 'ko', HERALD_APPROVAL: 'auto', HERALD_APPROVAL_RULES: tempFile('rules.yaml', RULES), X_APP_KEY: '', X_APP_SECRET: '', X_ACCESS_TOKEN: '', X_ACCESS_SECRET: '', HERALD_OUTBOX: join(dir, 'outbox.jsonl') }),
    );
    const stamp = Date.now();
    const key = (n: number) => `sweep-${n}-${stamp}`;
    const waiting = await newDraft(t, { key: key(1) });
    const edited = await newDraft(t, { key: key(2) });
    assert.equal((await apiCall(t.url, 'PATCH', `/api/drafts/${edited}`, { text: 'KakaoTalk 메시지 전송이 늦어지고 있어요. 확인 중이에요.' })).status, 200);
    const rejected = await newDraft(t, { key: key(3) });
    await apiCall(t.url, 'POST', `/api/drafts/${rejected}/reject`, { reason: '중복' });
    const posted = await newDraft(t, { key: key(4) });
    await apiCall(t.url, 'POST', `/api/drafts/${posted}/approve`);
    await t.send(event({ key: key(5), severity: 'minor', feature: 'login' }));
    await t.send(event({ key: key(6), severity: 'critical', feature: 'signup' }));
    const expired = `${key(5)}~open-1`;
    const released = `${key(6)}~open-1`;
    await t.waitFor(async () => (await t.herald.store.get(key(5)))?.posts[0]?.status === 'cancelled' || undefined, 'the minor draft to expire');
    await t.waitFor(async () => (await t.herald.store.get(key(6)))?.posts[0]?.status === 'posted' || undefined, 'the critical draft to be posted on its deadline');
    const draftOf = async (incident: string, kind: string): Promise<string> =>
      t.waitFor(async () => {
        const post = (await t.herald.store.get(incident))?.posts.find((p) => p.kind === kind && p.status === 'draft');
        return post && `${incident}~${post.id}`;
      }, `a ${kind} draft of ${incident}`);
    // A resolution nobody announced the start of: herald asks whether to post it on its own.
    await newDraft(t, { key: key(7) });
    await t.send(event({ key: key(7), status: 'resolved', at: '2026-05-20T00:30:00+09:00' }));
    const unannounced = await draftOf(key(7), 'resolved');
    // An outage that came back after its resolution went out: a reopening waits.
    await apiCall(t.url, 'POST', `/api/drafts/${await newDraft(t, { key: key(8) })}/approve`);
    await t.send(event({ key: key(8), status: 'resolved', at: '2026-05-20T00:30:00+09:00' }));
    await apiCall(t.url, 'POST', `/api/drafts/${await draftOf(key(8), 'resolved')}/approve`);
    await t.waitFor(async () => (await t.herald.store.get(key(8)))?.posts.every((p) => p.status === 'posted') || undefined, 'the resolution to go out');
    await t.send(event({ key: key(8), at: '2026-05-20T00:40:00+09:00' }));
    const reopened = await draftOf(key(8), 'reopened');
    const startsAt = new Date(Date.now() + 48 * 3600_000).toISOString();
    await apiCall(t.url, 'POST', '/api/maintenance', { service: 'KakaoTalk', feature: 'login', startsAt, endsAt: new Date(Date.now() + 50 * 3600_000).toISOString(), announceAhead: ['PT24H'] });
    await quiet(t);

    for (const [path, what] of [
      ['/console', 'the drafts waiting'],
      ...[waiting, edited, rejected, posted, expired, released, unannounced, reopened].map((id) => [`/console/drafts/${encodeURIComponent(id)}`, `draft ${id}`]),
      ['/console/drafts/gone-2026~open-1', 'a draft that does not exist'],
      ['/console/incidents', 'the incidents'],
      [`/console/incidents/${key(4)}`, 'an open incident with its facts form and preview'],
      [`/console/incidents/${key(3)}`, 'an incident whose announcement was rejected'],
      [`/console/incidents/${key(8)}`, 'an incident that came back, its reopening waiting'],
      ['/console/incidents/gone-2026', 'an incident that does not exist'],
      ['/console/incidents/new', 'opening an incident by hand'],
      ['/console/announcements/new', 'an announcement'],
      ['/console/maintenance', 'maintenance'],
      ['/console/audit', 'the audit log'],
      ['/console/incidents?page=2', 'a page past the end of the incidents, with its pager'],
      ['/console/audit?page=2', 'a page past the end of the audit log, with its pager'],
      ['/console?page=2', 'a page past the end of the drafts, with its pager'],
    ] as const)
      pages.set(path, what);
    forms.push(
      { name: 'a text with a mention and a hashtag', path: `/console/drafts/${encodeURIComponent(waiting)}/approve`, form: { text: '@kakao 확인 중 #장애' } },
      { name: 'a draft no longer waiting', path: `/console/drafts/${encodeURIComponent(rejected)}/approve`, form: {} },
      { name: 'an expired form', path: `/console/drafts/${encodeURIComponent(waiting)}/reject`, form: { _csrf: 'stale', reason: 'x' } },
    );
  });
  after(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const problems = (html: string) => ({ english: englishWords(html), clock: machineClock(html) });

  for (const locale of LOCALES) {
    it(`says everything in ${locale} on every page an admin sees`, async () => {
      const c = new ConsoleClient(t.url);
      const ask = { 'accept-language': locale };
      await c.request('GET', '/console/login', { headers: ask });
      await c.request('POST', '/console/login', { form: { _csrf: c.csrf!, name: PEOPLE.admin.name, password: PEOPLE.admin.password }, headers: ask });
      const found: Record<string, unknown> = {};
      for (const [path, what] of pages) {
        const page = await c.request('GET', path, { headers: ask });
        assert.ok([200, 404].includes(page.status), `${what}: ${page.status}`);
        assert.match(page.text, new RegExp(`<html lang="${locale}">`), what);
        if (locale !== 'en') {
          const p = problems(page.text);
          if (p.english.length || p.clock.length) found[what] = p;
        }
      }
      for (const { name, path, form } of forms) {
        await c.request('GET', '/console', { headers: ask });
        const page = await c.request('POST', path, { form: { _csrf: c.csrf!, ...form }, headers: ask });
        assert.ok(page.status >= 400, `${name}: ${page.status}`);
        if (locale !== 'en') {
          const p = problems(page.text);
          if (p.english.length || p.clock.length) found[name] = p;
        }
      }
      assert.deepEqual(found, {}, `English or a machine clock on ${locale} pages: ${JSON.stringify(found)}`);
      // A key the catalog lacks shows as itself ("names.kind.reopened"): no page may show one.
      for (const [path, what] of pages) assert.doesNotMatch((await c.request('GET', path, { headers: ask })).text, />[^<]*\b(names|draft|notes|refusals)\.[a-z]+\.[a-zA-Z-]+[^<]*</, what);
    });

    it(`says everything in ${locale} to the signed-out and to a viewer refused a page`, async () => {
      const c = new ConsoleClient(t.url);
      const ask = { 'accept-language': locale };
      const login = await c.request('GET', '/console/login', { headers: ask });
      const wrong = await c.request('POST', '/console/login', { form: { _csrf: c.csrf!, name: 'nobody', password: 'wrong-password' }, headers: ask });
      await c.request('POST', '/console/login', { form: { _csrf: c.csrf!, name: PEOPLE.viewer.name, password: PEOPLE.viewer.password }, headers: ask });
      const refused = await c.request('GET', '/console/audit', { headers: ask });
      const refusedMaintenance = await c.request('POST', '/console/maintenance', { form: { _csrf: c.csrf! }, headers: ask });
      assert.equal(refused.status, 403);
      assert.equal(refusedMaintenance.status, 403);
      if (locale === 'en') return;
      for (const [what, page] of Object.entries({ login, wrong, refused, refusedMaintenance })) assert.deepEqual(problems(page.text), { english: [], clock: [] }, what);
    });
  }
});
