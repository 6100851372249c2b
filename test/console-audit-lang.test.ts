import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { translator } from '../src/console/i18n.ts';
import { auditTable } from '../src/console/views/incidents.ts';
import { apiCall, ConsoleClient, consoleEnv, newDraft, PEOPLE } from './helpers/console.ts';
import { startTestHerald, type TestHerald } from './helpers/herald.ts';

/**
 * Issue 28: the audit log shows tweets' text before and after an edit; on a Japanese page a
 * Korean account's text is marked lang="ko", so it wraps between words as Korean does. Each audit
 * entry with a post's text records the post's account; older entries without it get no lang.
 */
const EDITED = '카카오톡 메시지 전송이 늦어지고 있어요. 기기 문제가 아니라 저희 쪽 문제예요. 확인 중이에요.';

describe('the audit log in another language than the account', () => {
  let t: TestHerald;
  before(async () => {
    t = await startTestHerald(await consoleEnv({ HERALD_LOCALE: 'ko' }));
  });
  after(() => t?.close());

  it('marks a Korean account\'s edited text lang="ko" on a Japanese audit page', async () => {
    const id = await newDraft(t);
    assert.equal((await apiCall(t.url, 'PATCH', `/api/drafts/${id}`, { text: EDITED })).status, 200);
    const c = new ConsoleClient(t.url);
    await c.signIn(PEOPLE.admin.name, PEOPLE.admin.password);
    const page = await c.request('GET', '/console/audit', { headers: { 'accept-language': 'ja' } });
    assert.equal(page.status, 200);
    assert.match(page.text, /<html lang="ja">/);
    const cell = new RegExp(`<td class="text" data-label="[^"]*" lang="ko">${EDITED}</td>`);
    assert.match(page.text, cell);
    // The incident's own audit trail says the same.
    const key = id.split('~')[0]!;
    assert.match((await c.request('GET', `/console/incidents/${key}`, { headers: { 'accept-language': 'ja' } })).text, cell);
  });

  it('records the account on the entry the API returns', async () => {
    const id = await newDraft(t);
    await apiCall(t.url, 'PATCH', `/api/drafts/${id}`, { text: EDITED });
    const trail = (await apiCall(t.url, 'GET', `/api/incidents/${id.split('~')[0]}/audit`)).body as Array<{ action: string; account?: string }>;
    assert.equal(trail.find((e) => e.action === 'edited')?.account, 'x');
  });
});

it('an audit entry written before accounts were recorded shows its text with no lang of its own', () => {
  const ctx = { tr: translator('ja'), timezone: 'Asia/Seoul', now: new Date('2026-12-07T00:00:00Z'), tweetUrl: () => undefined, tweetLang: () => 'ko' };
  const old = auditTable([{ at: '2026-12-06T23:00:00Z', actor: 'mina', action: 'edited', postId: 'open-1', before: '이전', after: '이후' }], ctx as never, false).toString();
  assert.match(old, /<td class="text" data-label="[^"]*">이후<\/td>/);
  const recorded = auditTable([{ at: '2026-12-06T23:00:00Z', actor: 'mina', action: 'edited', postId: 'open-1', account: 'x', before: '이전', after: '이후' }], ctx as never, false).toString();
  assert.match(recorded, /<td class="text" data-label="[^"]*" lang="ko">이후<\/td>/);
});
