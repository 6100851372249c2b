import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { catalogSource, CONSOLE_LOCALES } from '../src/console/i18n.ts';
import { apiCall, ConsoleClient, consoleEnv, newDraft, PEOPLE } from './helpers/console.ts';
import { startTestHerald, type TestHerald } from './helpers/herald.ts';

const SOURCES = ['src/console', 'src/console/views', 'src/notices', 'src/approval'];

/** Catalog keys the code asks for literally: t('a.b'), tr.t('a.b'), titled('x') (titles.), a refusal's .as('x') (refusals.). */
function keysInCode(): string[] {
  const keys = new Set<string>();
  for (const dir of SOURCES) {
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const code = readFileSync(`${dir}/${file}`, 'utf8');
      for (const m of code.matchAll(/\bt\('([a-zA-Z.]+)'/g)) keys.add(m[1]!);
      for (const m of code.matchAll(/titled\('([a-zA-Z]+)'\)/g)) keys.add(`titles.${m[1]}`);
      for (const m of code.matchAll(/\.as\('([a-zA-Z]+)'/g)) keys.add(`refusals.${m[1]}`);
    }
  }
  return [...keys];
}

describe('the console catalogs', () => {
  it('give every locale the same keys', () => {
    const english = Object.keys(catalogSource('en')).sort();
    for (const locale of CONSOLE_LOCALES) assert.deepEqual(Object.keys(catalogSource(locale)).sort(), english, `${locale}.yaml`);
  });

  it('hold every key the code asks for', () => {
    const english = catalogSource('en');
    const used = keysInCode();
    assert.ok(used.length > 50, `found ${used.length} keys in the code`);
    assert.deepEqual(used.filter((k) => english[k] === undefined), []);
  });
});

describe('the console language', () => {
  let t: TestHerald;
  before(async () => {
    t = await startTestHerald(await consoleEnv({ HERALD_LOCALE: 'ja' }));
  });
  after(() => t?.close());

  it('follows the browser when the user names no locale', async () => {
    const page = await new ConsoleClient(t.url).request('GET', '/console/login', { headers: { 'accept-language': 'ko-KR,ko;q=0.9,en;q=0.5' } });
    assert.match(page.text, /<html lang="ko">/);
    assert.match(page.text, /비밀번호/);
  });

  it('falls back to HERALD_LOCALE when the browser asks for none of the three', async () => {
    const page = await new ConsoleClient(t.url).request('GET', '/console/login', { headers: { 'accept-language': 'fr-FR, *' } });
    assert.match(page.text, /<html lang="ja">/);
    assert.match(page.text, /パスワード/);
  });

  it('says why a text cannot be posted in the person\'s language', async () => {
    const c = new ConsoleClient(t.url);
    await c.signIn(PEOPLE.viewer.name, PEOPLE.viewer.password);
    const answer = await c.request('GET', `/console/measure?text=${encodeURIComponent('가'.repeat(150))}`, { headers: { 'accept-language': 'ko' } });
    assert.deepEqual(answer.body.details, ['X 기준 길이가 300자로 최대 280자를 넘었어요(한글·가나·한자는 2자, 링크는 23자로 세요). 20자 줄여 주세요.']);
  });

  it('refuses in the person\'s language', async () => {
    const id = await newDraft(t);
    await apiCall(t.url, 'POST', `/api/drafts/${id}/reject`, { reason: 'test' });
    const c = new ConsoleClient(t.url);
    await c.signIn(PEOPLE.approver.name, PEOPLE.approver.password);
    const answer = await c.request('POST', `/console/drafts/${encodeURIComponent(id)}/approve`, { form: { _csrf: c.csrf! }, headers: { 'accept-language': 'ko-KR' } });
    assert.equal(answer.status, 409);
    assert.match(answer.text, /이 초안은 더 이상 승인을 기다리지 않아요/);
  });

  it('links each draft to a page of its own', async () => {
    const id = await newDraft(t);
    const c = new ConsoleClient(t.url);
    await c.signIn(PEOPLE.viewer.name, PEOPLE.viewer.password);
    const page = await c.get(`/console/drafts/${encodeURIComponent(id)}`);
    assert.equal(page.status, 200);
    assert.match(page.text, new RegExp(`data-id="${id}"`));
    await apiCall(t.url, 'POST', `/api/drafts/${id}/reject`, { reason: 'test' });
    assert.match((await c.get(`/console/drafts/${encodeURIComponent(id)}`)).text, /もう承認待ちではありません/);
  });

  it('streams drafts arriving and decided to a signed-in console, and to nobody else', async () => {
    assert.equal((await fetch(`${t.url}/console/events`, { redirect: 'manual' })).status, 303);
    const c = new ConsoleClient(t.url);
    await c.signIn(PEOPLE.viewer.name, PEOPLE.viewer.password);
    const controller = new AbortController();
    const res = await fetch(`${t.url}/console/events`, { headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ') }, signal: controller.signal });
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    const reader = res.body!.getReader();
    let stream = '';
    const read = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        stream += Buffer.from(value).toString('utf8');
      }
    })().catch(() => undefined);
    await t.waitFor(async () => stream.includes('retry:'), 'the stream to open');
    const id = await newDraft(t);
    await apiCall(t.url, 'POST', `/api/drafts/${id}/approve`);
    await t.waitFor(async () => stream.includes(`event: decided`) && stream.includes(`"draft":"${id}"`), 'the events');
    assert.match(stream, new RegExp(`event: waiting\\ndata: \\{"type":"waiting","draft":"${id.replace(/[~.]/g, '\\$&')}"`));
    controller.abort();
    await read;
  });
});
