import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { event, settled, startTestHerald, type TestHerald } from './helpers/herald.ts';

async function blocked(t: TestHerald) {
  return t.waitFor(async () => {
    const r = await t.get('/api/x');
    return r.body.status === 'blocked' ? r.body : undefined;
  }, 'the account to be blocked');
}

const postOf = async (t: TestHerald, key: string) => (await t.get(`/api/incidents/${key}`)).body.posts[0];

describe('X refusing the credentials, the access tier or for lack of credits', () => {
  let t: TestHerald;
  afterEach(async () => t.close());

  for (const [status, code, said] of [[401, 'unauthorized', /HTTP 401/], [403, 'unauthorized', /client-not-enrolled/], [402, 'payment-required', /credits/]] as const) {
    it(`a ${status} stops posting, keeps the post and says why on /healthz/x and /api/x`, async () => {
      t = await startTestHerald();
      t.fakeX.refuseAccount(status);
      const e = event();
      await t.send(e);

      const view = await blocked(t);
      assert.equal(view.code, code);
      assert.match(view.reason, said);
      const health = await t.get('/healthz/x', { authorization: '' });
      assert.equal(health.status, 503);
      assert.match(health.body.reason, said);
      // Only this account's posts are held; the shared queue runs on for the other accounts.
      assert.equal(await t.herald.queues.posts.isPaused(), false);
      assert.deepEqual((await t.get('/healthz/accounts', { authorization: '' })).body.blocked, ['x']);
      assert.equal((await postOf(t, e.key)).status, 'scheduled');
      assert.equal(t.fakeX.requests.byRoute['POST /2/tweets'], 1, 'X was asked once, not hammered');
    });
  }

  it('resumes by itself once X accepts the credentials again, and posts what waited', async () => {
    t = await startTestHerald({ HERALD_X_PROBE_SECONDS: '0.2' });
    t.fakeX.refuseAccount(401);
    const e = event();
    await t.send(e);
    await blocked(t);
    t.fakeX.refuseAccount(undefined);

    const [tweet] = await t.fakeX.waitForPosts(1, 10_000);
    assert.match(tweet!.text, /KakaoTalk/);
    assert.equal((await t.get('/healthz/x')).status, 200);
    assert.ok(t.fakeX.requests.byRoute['GET /2/users/me']! >= 1, 'the probe asked GET /2/users/me');
  });

  it('keeps posting stopped while the probe is still refused', async () => {
    t = await startTestHerald({ HERALD_X_PROBE_SECONDS: '0.2' });
    t.fakeX.refuseAccount(402);
    await t.send(event());
    await blocked(t);
    await t.waitFor(async () => (t.fakeX.requests.byRoute['GET /2/users/me'] ?? 0) >= 2, 'two probes');

    assert.equal((await t.get('/api/x')).body.status, 'blocked');
    assert.match((await t.get('/api/x')).body.lastProbe, /HTTP 402/);
    assert.equal(t.fakeX.posts.length, 0);
  });

  it('resumes when a person says so through POST /api/x/resume', async () => {
    t = await startTestHerald();
    t.fakeX.refuseAccount(401);
    const e = event();
    await t.send(e);
    await blocked(t);
    t.fakeX.refuseAccount(undefined);

    const res = await fetch(`${t.url}/api/x/resume`, { method: 'POST', headers: { authorization: 'Bearer test-api-token' } });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json().then((b) => [b.status, b.resumed]), ['posting', true]);
    await t.fakeX.waitForPosts(1);
    await settled(t);
    assert.equal((await postOf(t, e.key)).status, 'posted');
  });

  it('refuses POST /api/x/resume without the API token', async () => {
    t = await startTestHerald();
    const res = await fetch(`${t.url}/api/x/resume`, { method: 'POST' });
    assert.equal(res.status, 401);
  });
});
