import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { apiCall, consoleEnv, quiet } from './helpers/console.ts';
import { event, startTestHerald, type TestHerald } from './helpers/herald.ts';

describe('drafts through the JSON API, with HERALD_APPROVAL=required', () => {
  let t: TestHerald;
  const api = (method: string, path: string, json?: unknown) => apiCall(t.url, method, path, json);
  const incident = async (key: string) => (await t.herald.store.get(key))!;

  /** Sends a webhook and resolves with the draft it produced. */
  async function draftFor(overrides: Record<string, unknown> = {}) {
    const e = event(overrides);
    await t.send(e);
    const draft = await t.waitFor(async () => (await api('GET', '/api/drafts')).body.find((d: any) => d.incident === e.key), 'the draft to appear');
    return { e, draft };
  }

  before(async () => {
    // Twenty-odd announcements in a few seconds: more than a real window's share for them (docs/delivery.md).
    t = await startTestHerald(await consoleEnv({ HERALD_X_BUDGET_15MIN: '100', HERALD_X_BUDGET_24H: '400' }));
  });
  after(async () => t.close());
  beforeEach(async () => {
    await quiet(t);
    t.fakeX.reset();
  });

  it('holds an announcement as a draft in the pinned shape instead of posting it', async () => {
    const { e, draft } = await draftFor();
    assert.deepEqual(Object.keys(draft).sort(), ['id', 'incident', 'kind', 'text', 'weightedLength']);
    assert.equal(draft.id, `${e.key}~open-1`);
    assert.equal(draft.kind, 'open');
    assert.match(draft.text, /KakaoTalk/);
    assert.equal(draft.weightedLength, draft.text.length);
    assert.equal(t.fakeX.posts.length, 0);
  });

  it('posts an approved draft to X with the text that was shown', async () => {
    const { draft } = await draftFor();
    const res = await api('POST', `/api/drafts/${draft.id}/approve`);
    assert.equal(res.status, 200);
    const [tweet] = await t.fakeX.waitForPosts(1);
    assert.equal(tweet!.text, draft.text);
  });

  it('posts the edited text once an edited draft is approved', async () => {
    const { draft } = await draftFor();
    const edited = 'KakaoTalk messages are late for some people. It is on our side: please keep the app installed.';
    const patch = await api('PATCH', `/api/drafts/${draft.id}`, { text: edited });
    assert.equal(patch.status, 200);
    assert.equal(patch.body.text, edited);
    assert.equal((await api('POST', `/api/drafts/${draft.id}/approve`)).status, 200);
    const [tweet] = await t.fakeX.waitForPosts(1);
    assert.equal(tweet!.text, edited);
  });

  for (const [what, text, detail] of [
    ['too long', 'KakaoTalk '.repeat(30), /weighs 299 of 280/],
    ['a mention', 'KakaoTalk is down, sorry @someone', /mention @someone/],
    ['a hashtag', 'KakaoTalk is down #outage', /hashtag #outage/],
    ['empty', '   ', /empty/],
  ] as const) {
    it(`refuses an edit that is ${what} with 400 naming the problem, and keeps the draft as it was`, async () => {
      const { draft } = await draftFor();
      const res = await api('PATCH', `/api/drafts/${draft.id}`, { text });
      assert.equal(res.status, 400);
      assert.match(res.body.error, /not a tweet/);
      assert.match(res.body.details.join(' '), detail);
      const now = (await api('GET', '/api/drafts')).body.find((d: any) => d.id === draft.id);
      assert.equal(now.text, draft.text);
    });
  }

  it('refuses an edit body that is not {"text"} with 400', async () => {
    const { draft } = await draftFor();
    const res = await api('PATCH', `/api/drafts/${draft.id}`, { body: 'hello' });
    assert.equal(res.status, 400);
    assert.match(res.body.details.join(' '), /text/);
  });

  it('drops a rejected draft, posts nothing and keeps the reason', async () => {
    const { e, draft } = await draftFor();
    const res = await api('POST', `/api/drafts/${draft.id}/reject`, { reason: 'monitoring misfired' });
    assert.equal(res.status, 200);
    assert.equal((await api('GET', '/api/drafts')).body.some((d: any) => d.id === draft.id), false);
    await quiet(t);
    assert.equal(t.fakeX.posts.length, 0);
    const post = (await incident(e.key)).posts[0]!;
    assert.equal(post.status, 'cancelled');
    assert.match(post.note!, /rejected by api-token: monitoring misfired/);
  });

  it('refuses a rejection without a reason', async () => {
    const { draft } = await draftFor();
    const res = await api('POST', `/api/drafts/${draft.id}/reject`, {});
    assert.equal(res.status, 400);
    assert.match(res.body.details.join(' '), /reason/);
  });

  it('answers 409 when a draft that was rejected is approved', async () => {
    const { draft } = await draftFor();
    await api('POST', `/api/drafts/${draft.id}/reject`, { reason: 'no' });
    const res = await api('POST', `/api/drafts/${draft.id}/approve`);
    assert.equal(res.status, 409);
    assert.match(res.body.error, /no longer waiting.*rejected/);
  });

  it('answers 404 for a draft that does not exist', async () => {
    assert.equal((await api('POST', '/api/drafts/nothing~open-1/approve')).status, 404);
    assert.equal((await api('PATCH', '/api/drafts/not-an-id', { text: 'x' })).status, 404);
  });

  it('threads an approved resolution under the approved announcement', async () => {
    const { e, draft } = await draftFor();
    await api('POST', `/api/drafts/${draft.id}/approve`);
    const [open] = await t.fakeX.waitForPosts(1);
    await t.send({ ...e, status: 'resolved', at: '2026-05-20T00:40:00+09:00' });
    const reply = await t.waitFor(async () => (await api('GET', '/api/drafts')).body.find((d: any) => d.incident === e.key), 'the resolution draft');
    assert.equal(reply.kind, 'resolved');
    await api('POST', `/api/drafts/${reply.id}/approve`);
    const posts = await t.fakeX.waitForPosts(2);
    assert.equal(posts[1]!.inReplyTo, open!.id);
  });

  it('asks whether to post anything when an incident resolves before its announcement was approved', async () => {
    const { e } = await draftFor();
    await t.send({ ...e, status: 'resolved', at: '2026-05-20T00:40:00+09:00' });
    const question = await t.waitFor(async () => {
      const drafts = (await api('GET', '/api/drafts')).body.filter((d: any) => d.incident === e.key);
      return drafts.length === 1 && drafts[0].kind === 'resolved' ? drafts[0] : undefined;
    }, 'the open draft to give way to a resolution draft');
    const detail = (await api('GET', `/api/drafts/${question.id}`)).body;
    assert.match(detail.question, /never announced/);
    assert.equal((await incident(e.key)).posts[0]!.status, 'cancelled');
    await api('POST', `/api/drafts/${question.id}/approve`);
    const [tweet] = await t.fakeX.waitForPosts(1);
    assert.equal(tweet!.inReplyTo, undefined, 'with no thread to join, it stands alone');
  });

  it('plans no update while the announcement still waits for approval', async () => {
    const { e } = await draftFor();
    await t.send({ ...e, status: 'update' });
    await quiet(t);
    await t.waitFor(async () => (await incident(e.key)).events === 2, 'the update to be applied');
    const drafts = (await api('GET', '/api/drafts')).body.filter((d: any) => d.incident === e.key);
    assert.deepEqual(drafts.map((d: any) => d.kind), ['open']);
  });

  it('opens an incident by hand with its announcement as a draft', async () => {
    const res = await api('POST', '/api/incidents', { service: 'KakaoTalk', feature: 'notifications', severity: 'major' });
    assert.equal(res.status, 201);
    assert.equal(res.body.state, 'open');
    const drafts = (await api('GET', '/api/drafts')).body;
    const draft = drafts.find((d: any) => d.incident === res.body.key);
    assert.match(draft.text, /notifications/);
    const audit = (await incident(res.body.key)).audit!;
    assert.deepEqual(audit.map((a) => [a.actor, a.action]), [
      ['api-token', 'opened by hand'],
      ['api-token', 'drafted'],
    ]);
  });

  it('threads an update and a resolution written by hand under an announcement written by hand', async () => {
    const opened = await api('POST', '/api/incidents', { service: 'KakaoTalk', feature: 'notifications', severity: 'minor', text: 'KakaoTalk notifications are late on some Android phones.' });
    const key = opened.body.key;
    await api('POST', `/api/drafts/${opened.body.draft.id}/approve`);
    const [root] = await t.fakeX.waitForPosts(1);
    assert.equal(root!.text, 'KakaoTalk notifications are late on some Android phones.');

    const update = await api('POST', `/api/incidents/${key}/updates`, { text: 'We found the cause and are rolling out a fix.' });
    assert.equal(update.status, 201);
    const again = await api('POST', `/api/incidents/${key}/updates`, {});
    assert.equal(again.status, 409, 'one update waits at a time');
    await api('POST', `/api/drafts/${update.body.draft.id}/approve`);
    await t.fakeX.waitForPosts(2); // an update still unsent when the incident resolves is dropped as moot
    const resolved = await api('POST', `/api/incidents/${key}/resolve`, { text: 'Notifications are back to normal. Sorry!' });
    assert.equal(resolved.body.state, 'resolved');
    await api('POST', `/api/drafts/${resolved.body.drafts[0].id}/approve`);

    const thread = await t.fakeX.waitForPosts(3);
    assert.deepEqual(
      thread.map((p) => [p.text, p.inReplyTo]),
      [
        ['KakaoTalk notifications are late on some Android phones.', undefined],
        ['We found the cause and are rolling out a fix.', root!.id],
        ['Notifications are back to normal. Sorry!', root!.id],
      ],
    );
  });

  it('refuses an incident by hand with a bad field, naming it, and opens nothing', async () => {
    const res = await api('POST', '/api/incidents', { service: 'KakaoTalk', feature: 'teleportation', severity: 'major' });
    assert.equal(res.status, 400);
    assert.match(res.body.details.join(' '), /feature/);
    const bad = await api('POST', '/api/incidents', { service: 'KakaoTalk', feature: 'login', severity: 'major', text: 'ping @everyone' });
    assert.equal(bad.status, 400);
  });

  it('records every action on a draft with who, when, and the text before and after', async () => {
    const { e, draft } = await draftFor();
    await api('PATCH', `/api/drafts/${draft.id}`, { text: 'KakaoTalk messages are late. We are on it.' });
    await api('POST', `/api/drafts/${draft.id}/approve`);
    await t.fakeX.waitForPosts(1);
    const audit = (await api('GET', `/api/incidents/${e.key}/audit`)).body;
    assert.deepEqual(audit.map((a: any) => a.action), ['drafted', 'edited', 'approved']);
    const edit = audit[1];
    assert.equal(edit.actor, 'api-token');
    assert.equal(edit.before, draft.text);
    assert.equal(edit.after, 'KakaoTalk messages are late. We are on it.');
    assert.ok(Date.parse(edit.at) > 0);
  });

  it('drafts a free announcement and posts it once approved', async () => {
    const res = await api('POST', '/api/announcements', { service: 'KakaoTalk', text: 'Voice rooms are here: try them today.' });
    assert.equal(res.status, 201);
    assert.equal(res.body.draft.kind, 'announcement');
    assert.match(res.body.draft.text, /Voice rooms are here/);
    await api('POST', `/api/drafts/${res.body.draft.id}/approve`);
    const [tweet] = await t.fakeX.waitForPosts(1);
    assert.equal(tweet!.text, res.body.draft.text);
    assert.equal(tweet!.inReplyTo, undefined);
  });

  it('answers 401 without the API token, and the webhook token does not open the drafts', async () => {
    assert.equal((await apiCall(t.url, 'GET', '/api/drafts', undefined, null)).status, 401);
    assert.equal((await apiCall(t.url, 'GET', '/api/drafts', undefined, 'wrong')).status, 401);
    assert.equal((await apiCall(t.url, 'GET', '/api/drafts', undefined, 'test-webhook-token')).status, 401);
    assert.equal((await apiCall(t.url, 'POST', '/api/incidents', { service: 'KakaoTalk', feature: 'login', severity: 'major' }, null)).status, 401);
  });
});
