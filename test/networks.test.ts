import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { graphemes } from '../src/compose/network-length.ts';
import { startFakeBluesky, type FakeBluesky } from './helpers/fake-bluesky.ts';
import { FAKE_MASTODON_TOKEN, startFakeMastodon, type FakeMastodon } from './helpers/fake-mastodon.ts';
import { API_TOKEN, event, settled, startTestHerald, type TestHerald } from './helpers/herald.ts';

const ACCOUNTS = 'accounts:\n  - id: bsky\n    network: bluesky\n    locale: en\n    timezone: UTC\n  - id: masto\n    network: mastodon\n    locale: ja\n    timezone: Asia/Tokyo\n';
const HANGUL = /[\uac00-\ud7a3]/;
const KANA = /[\u3040-\u30ff]/;

/** A herald with the default X account (ko), a Bluesky account (en) and a Mastodon account (ja), each on its fake. */
async function threeNetworks(dir: string, bluesky: FakeBluesky, mastodon: FakeMastodon, env: Record<string, string> = {}): Promise<TestHerald> {
  const file = join(dir, `accounts-${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(file, ACCOUNTS);
  return startTestHerald({
    HERALD_ACCOUNTS_FILE: file,
    HERALD_LOCALE: 'ko',
    HERALD_FOLLOWUP_MINUTES: '0',
    HERALD_STATUS_URL: 'https://status.example.com/incidents/{key}',
    BSKY_BSKY_HANDLE: bluesky.handle,
    BSKY_BSKY_APP_PASSWORD: bluesky.password,
    BSKY_BSKY_SERVICE: bluesky.url,
    MASTODON_MASTO_URL: mastodon.url,
    MASTODON_MASTO_TOKEN: FAKE_MASTODON_TOKEN,
    ...env,
  });
}

describe('one incident through X (ko), Bluesky (en) and Mastodon (ja)', () => {
  let dir: string;
  let bluesky: FakeBluesky;
  let mastodon: FakeMastodon;
  let t: TestHerald;
  let key: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'herald-networks-'));
    bluesky = await startFakeBluesky();
    mastodon = await startFakeMastodon({ maxCharacters: 500 });
    t = await threeNetworks(dir, bluesky, mastodon);
    const e = event();
    key = e.key;
    await t.send(e);
    await Promise.all([t.fakeX.waitForPosts(1, 30_000), bluesky.waitForPosts(1, 30_000), mastodon.waitForStatuses(1, 30_000)]);
    await t.send({ ...e, status: 'resolved', at: '2026-05-20T00:40:00+09:00' });
    await Promise.all([t.fakeX.waitForPosts(2, 30_000), bluesky.waitForPosts(2, 30_000), mastodon.waitForStatuses(2, 30_000)]);
    await settled(t, 30_000);
  });
  after(async () => {
    await t.close();
    await Promise.all([bluesky.close(), mastodon.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  it('ends with three threads of two posts, each reply under its own network\'s first post', () => {
    assert.equal(t.fakeX.posts.length, 2);
    assert.equal(t.fakeX.posts[1]!.inReplyTo, t.fakeX.posts[0]!.id);
    assert.equal(bluesky.posts.length, 2);
    assert.deepEqual(bluesky.posts[1]!.reply?.root, { uri: bluesky.posts[0]!.uri, cid: bluesky.posts[0]!.cid });
    assert.equal(mastodon.statuses.length, 2);
    assert.equal(mastodon.statuses[1]!.inReplyToId, mastodon.statuses[0]!.id);
  });

  it('writes each thread in its account\'s language, within its network\'s limit', () => {
    assert.ok(t.fakeX.posts.every((p) => HANGUL.test(p.text)));
    assert.ok(bluesky.posts.every((p) => /KakaoTalk/.test(p.text) && !HANGUL.test(p.text) && graphemes(p.text) <= 300 && p.langs[0] === 'en'));
    assert.ok(mastodon.statuses.every((s) => KANA.test(s.text) && s.language === 'ja'));
  });

  it('sends every Mastodon post with its own Idempotency-Key', () => {
    const keys = mastodon.received.map((r) => r.headers['idempotency-key']);
    assert.equal(new Set(keys).size, 2);
    assert.ok(keys.every((k) => typeof k === 'string' && k.length > 10));
  });

  it('signs in to Bluesky once for the whole incident', () => {
    assert.equal(bluesky.requests['POST com.atproto.server.createSession'], 1);
  });

  it('shows each network\'s thread with working links in the API, the journal and the status pages', async () => {
    const tweets = (await t.get(`/api/incidents/${encodeURIComponent(key)}`)).body.tweets;
    const bskyUrls = tweets.filter((tw: any) => tw.account === 'bsky').map((tw: any) => tw.url);
    assert.deepEqual(bskyUrls, bluesky.posts.map((p) => `https://bsky.app/profile/${bluesky.handle}/post/${p.uri.split('/').pop()}`));
    assert.deepEqual(tweets.filter((tw: any) => tw.account === 'masto').map((tw: any) => tw.url), mastodon.statuses.map((s) => s.url));
    const journal = (await t.get(`/api/incidents/${encodeURIComponent(key)}/journal.json`)).body;
    assert.deepEqual(journal.thread.filter((tw: any) => tw.account === 'masto').map((tw: any) => tw.url), mastodon.statuses.map((s) => s.url));
    const page = await (await fetch(`${t.url}/status/bsky`)).text();
    assert.ok(page.includes(bskyUrls[0]!), 'the Bluesky status page links to the Bluesky post');
  });

  it('lists every account with its network on /healthz/accounts', async () => {
    const health = await t.get('/healthz/accounts', { authorization: '' });
    assert.equal(health.status, 200);
    assert.deepEqual(health.body.accounts.map((a: any) => [a.account, a.network, a.status]), [['x', 'x', 'posting'], ['bsky', 'bluesky', 'posting'], ['masto', 'mastodon', 'posting']]);
  });
});

describe('trouble on one network holds back only that network', () => {
  let dir: string;
  let bluesky: FakeBluesky;
  let mastodon: FakeMastodon;
  let t: TestHerald;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'herald-networks-'));
  });
  beforeEach(async () => {
    bluesky = await startFakeBluesky({ rateLimitResetSeconds: 120 });
    mastodon = await startFakeMastodon();
  });
  afterEach(async () => {
    await t.close();
    await Promise.all([bluesky.close(), mastodon.close()]);
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('a 429 on Bluesky does not delay the X and Mastodon posts, and only Bluesky waits for its reset', async () => {
    t = await threeNetworks(dir, bluesky, mastodon);
    bluesky.failNext('429');
    await t.send(event());
    await Promise.all([t.fakeX.waitForPosts(1, 30_000), mastodon.waitForStatuses(1, 30_000)]);
    const answer = await t.waitFor(async () => {
      const res = await t.get('/healthz/accounts', { authorization: '' });
      return res.body.accounts.find((a: any) => a.account === 'bsky').status === 'rate-limited' ? res : undefined;
    }, 'Bluesky to be rate-limited', 30_000);
    const health = answer.body;
    // A monitor on /healthz/accounts hears of it: 503, naming the account that waits.
    assert.equal(answer.status, 503);
    assert.equal(health.status, 'rate-limited');
    assert.deepEqual(health.stopped, ['bsky']);
    assert.ok(Date.parse(health.accounts.find((a: any) => a.account === 'bsky').rateLimitedUntil) > Date.now() + 60_000);
    assert.equal(health.accounts.find((a: any) => a.account === 'x').status, 'posting');
    assert.equal(bluesky.posts.length, 0);
    // The worker's own limiter window is a second; a queue-wide hold for Bluesky's reset would be minutes.
    assert.ok((await t.herald.queues.posts.getRateLimitTtl()) < 2000, 'the shared queue is not rate-limited');
    // A second incident still goes out on X at once.
    await t.send(event());
    await t.fakeX.waitForPosts(2);
  });

  it('a revoked Bluesky app password blocks only Bluesky, reported on /healthz/accounts, while X posts', async () => {
    bluesky.refuseAccount(true);
    t = await threeNetworks(dir, bluesky, mastodon);
    await t.send(event());
    await Promise.all([t.fakeX.waitForPosts(1, 30_000), mastodon.waitForStatuses(1, 30_000)]);
    const health = await t.waitFor(async () => {
      const res = await t.get('/healthz/accounts', { authorization: '' });
      return res.status === 503 ? res.body : undefined;
    }, 'Bluesky to be blocked', 30_000);
    assert.deepEqual(health.blocked, ['bsky']);
    assert.equal((await t.get('/healthz/x', { authorization: '' })).status, 200);
    bluesky.refuseAccount(false);
    await t.get('/api/accounts');
    const resumed = await fetch(`${t.url}/api/accounts/bsky/resume`, { method: 'POST', headers: { authorization: `Bearer ${API_TOKEN}` } });
    assert.equal((await resumed.json()).resumed, true);
    await bluesky.waitForPosts(1, 30_000);
  });
});
