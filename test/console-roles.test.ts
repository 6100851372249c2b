import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiCall, ConsoleClient, consoleEnv, newDraft, PEOPLE } from './helpers/console.ts';
import { startTestHerald, type TestHerald } from './helpers/herald.ts';

/**
 * Every role against every operation, through a signed-in session (cookie plus CSRF token), so
 * the server, not the page, is what enforces the roles.
 */
describe('roles on the JSON API and the console', () => {
  let t: TestHerald;
  const as: Partial<Record<keyof typeof PEOPLE, ConsoleClient>> = {};

  before(async () => {
    t = await startTestHerald(await consoleEnv());
    for (const role of ['admin', 'approver', 'viewer'] as const) {
      as[role] = new ConsoleClient(t.url);
      assert.equal((await as[role]!.signIn(PEOPLE[role].name, PEOPLE[role].password)).status, 303);
    }
  });
  after(async () => t.close());

  const operations: Array<{ name: string; needs: 'view' | 'decide' | 'audit'; run: (c: ConsoleClient) => Promise<number>; ok: number }> = [
    { name: 'list drafts', needs: 'view', ok: 200, run: async (c) => (await c.api('GET', '/api/drafts')).status },
    { name: 'edit a draft', needs: 'decide', ok: 200, run: async (c) => (await c.api('PATCH', `/api/drafts/${await newDraft(t)}`, { text: 'KakaoTalk is slow. Sorry.' })).status },
    { name: 'approve a draft', needs: 'decide', ok: 200, run: async (c) => (await c.api('POST', `/api/drafts/${await newDraft(t)}/approve`)).status },
    { name: 'reject a draft', needs: 'decide', ok: 200, run: async (c) => (await c.api('POST', `/api/drafts/${await newDraft(t)}/reject`, { reason: 'test' })).status },
    {
      name: 'open an incident by hand',
      needs: 'decide',
      ok: 201,
      run: async (c) => (await c.api('POST', '/api/incidents', { service: 'KakaoTalk', feature: 'pc', severity: 'minor' })).status,
    },
    {
      name: 'draft an announcement',
      needs: 'decide',
      ok: 201,
      run: async (c) => (await c.api('POST', '/api/announcements', { service: 'KakaoTalk', text: 'New stickers are out.' })).status,
    },
    { name: 'read the audit log', needs: 'audit', ok: 200, run: async (c) => (await c.api('GET', '/api/audit')).status },
  ];
  const grants = { viewer: ['view'], approver: ['view', 'decide'], admin: ['view', 'decide', 'audit'] } as const;

  for (const role of ['viewer', 'approver', 'admin'] as const) {
    for (const op of operations) {
      const allowed = (grants[role] as readonly string[]).includes(op.needs);
      it(`a signed-in ${role} ${allowed ? 'may' : 'may not'} ${op.name}`, async () => {
        assert.equal(await op.run(as[role]!), allowed ? op.ok : 403);
      });
    }
  }

  it('refuses a change through a session without the CSRF token, and changes nothing', async () => {
    const id = await newDraft(t);
    const bare = await as.approver!.request('POST', `/api/drafts/${id}/approve`, { json: {} });
    assert.equal(bare.status, 403);
    const draft = (await apiCall(t.url, 'GET', `/api/drafts/${id}`)).body;
    assert.equal(draft.status, 'draft');
  });

  it('answers 401 to the API without a session or token', async () => {
    const stranger = new ConsoleClient(t.url);
    assert.equal((await stranger.api('GET', '/api/drafts')).status, 401);
  });

  it('sends a stranger to the sign-in page and keeps the audit page from a viewer', async () => {
    const stranger = new ConsoleClient(t.url);
    const page = await stranger.get('/console');
    assert.equal(page.status, 303);
    assert.equal(page.headers.get('location'), '/console/login');
    assert.equal((await as.viewer!.get('/console/audit')).status, 403);
    assert.equal((await as.admin!.get('/console/audit')).status, 200);
  });

  it('shows a viewer the drafts without the forms to decide them', async () => {
    const id = await newDraft(t);
    const viewer = await as.viewer!.get('/console');
    assert.match(viewer.text, new RegExp(`data-id="${id}"`));
    assert.doesNotMatch(viewer.text, /Approve and post/);
    const approver = await as.approver!.get('/console');
    assert.match(approver.text, /Approve and post/);
  });

  it('edits and approves through the console forms, recording the person', async () => {
    const approver = as.approver!;
    const id = await newDraft(t);
    await approver.get('/console');
    const edited = await approver.postForm(`/console/drafts/${encodeURIComponent(id)}/edit`, { text: 'KakaoTalk messages are late. Sorry!' });
    assert.equal(edited.status, 303);
    await approver.get('/console');
    assert.equal((await approver.postForm(`/console/drafts/${encodeURIComponent(id)}/approve`, { text: 'KakaoTalk messages are late. Sorry!' })).status, 303);
    await t.waitFor(async () => t.fakeX.posts.some((p) => p.text === 'KakaoTalk messages are late. Sorry!'), 'the edited text on X');
    const key = id.slice(0, id.lastIndexOf('~'));
    const audit = (await apiCall(t.url, 'GET', `/api/incidents/${key}/audit`)).body;
    assert.deepEqual(audit.map((a: any) => [a.actor, a.action]), [
      ['herald', 'drafted'],
      ['bo', 'edited'],
      ['bo', 'approved'],
    ]);
  });

  it('shows a failed edit on its draft with the problem and the text typed, and keeps the draft', async () => {
    const approver = as.approver!;
    const id = await newDraft(t);
    await approver.get('/console');
    const res = await approver.postForm(`/console/drafts/${encodeURIComponent(id)}/edit`, { text: 'Down again, ask @support' });
    assert.equal(res.status, 400);
    assert.match(res.text, /mentions, hashtags or cashtags: remove @support\./);
    assert.match(res.text, /Down again, ask @support<\/textarea>/);
    assert.equal((await apiCall(t.url, 'GET', `/api/drafts/${id}`)).body.editedByPerson, false);
  });

  it('opens an incident and drafts an announcement through the console forms', async () => {
    const approver = as.approver!;
    await approver.get('/console/incidents/new');
    const key = `by-hand-${Date.now().toString(36)}`;
    const opened = await approver.postForm('/console/incidents', { service: 'KakaoTalk', feature: 'notifications', severity: 'major', key, text: '' });
    assert.equal(opened.status, 303);
    assert.equal(opened.headers.get('location'), '/console?done=opened');
    assert.equal((await apiCall(t.url, 'GET', `/api/drafts/${key}~open-1`)).body.status, 'draft');

    await approver.get('/console/announcements/new');
    const note = await approver.postForm('/console/announcements', { service: 'KakaoTalk', text: 'Stickers are free this week.' });
    assert.equal(note.status, 303);
    const drafts = (await apiCall(t.url, 'GET', '/api/drafts')).body;
    assert.ok(drafts.some((d: any) => d.kind === 'announcement' && d.text.includes('Stickers are free this week.')));
  });

  it('answers a bad console form with a page naming the problem', async () => {
    const approver = as.approver!;
    await approver.get('/console/incidents/new');
    const res = await approver.postForm('/console/incidents', { service: 'Kakao@Talk', feature: 'login', severity: 'major' });
    assert.equal(res.status, 400);
    assert.match(res.headers.get('content-type')!, /text\/html/);
    assert.match(res.text, /service: letters, digits/);
  });
});
