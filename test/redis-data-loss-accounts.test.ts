import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { startFakeBluesky, type FakeBluesky } from './helpers/fake-bluesky.ts';
import { FAKE_MASTODON_TOKEN, startFakeMastodon, type FakeMastodon } from './helpers/fake-mastodon.ts';
import { startFakeX, type FakeX } from './helpers/fake-x.ts';
import { event, sleep, startTestHerald, type TestHerald } from './helpers/herald.ts';
import { startRedisServer, type RedisServer } from './helpers/redis-servers.ts';

const ACCOUNTS = [
  'accounts:',
  '  - id: ja', '    locale: ja', '    timezone: Asia/Tokyo',
  '  - id: bsky', '    network: bluesky', '    locale: en', '    timezone: UTC',
  '  - id: masto', '    network: mastodon', '    locale: ja', '    timezone: Asia/Tokyo',
  '',
].join('\n');

/** One network's account as the test reads it: its roots and replies, parent by parent. */
interface Thread { roots: string[]; replies: { id: string; parent: string }[] }

/**
 * Redis forgets everything (FLUSHDB on this test's own redis-server) a moment after two X
 * accounts, a Bluesky and a Mastodon account announced three outages. Every account is held, each
 * lists its own roots, and the recovery docs/faults.md describes (attach each account's root,
 * resume each account) ends with one root and one reply per incident per account.
 */
describe('a Redis that forgot, with an account on every network', () => {
  let server: RedisServer;
  let admin: Redis;
  let dir: string;
  let fakeJa: FakeX;
  let bluesky: FakeBluesky;
  let mastodon: FakeMastodon;
  let t: TestHerald;

  before(async () => {
    server = await startRedisServer(['--appendonly', 'no']);
    admin = new Redis(server.url);
    dir = await mkdtemp(join(tmpdir(), 'herald-loss-'));
    fakeJa = await startFakeX({ user: { id: '1500000000000000097', name: 'Herald JP', username: 'herald_jp' } });
    bluesky = await startFakeBluesky();
    mastodon = await startFakeMastodon({ maxCharacters: 500 });
    const file = join(dir, 'accounts.yaml');
    await writeFile(file, ACCOUNTS);
    t = await startTestHerald({
      REDIS_URL: server.url,
      HERALD_REDIS_EPOCH_CHECK_SECONDS: '0.5',
      HERALD_ACCOUNTS_FILE: file,
      HERALD_LOCALE: 'ko',
      HERALD_FOLLOWUP_MINUTES: '0',
      X_JA_APP_KEY: 'ja-key', X_JA_APP_SECRET: 'ja-secret', X_JA_ACCESS_TOKEN: 'ja-token', X_JA_ACCESS_SECRET: 'ja-token-secret',
      X_JA_API_BASE_URL: fakeJa.url,
      BSKY_BSKY_HANDLE: bluesky.handle, BSKY_BSKY_APP_PASSWORD: bluesky.password, BSKY_BSKY_SERVICE: bluesky.url,
      MASTODON_MASTO_URL: mastodon.url, MASTODON_MASTO_TOKEN: FAKE_MASTODON_TOKEN,
    });
  });
  after(async () => {
    await t?.close();
    await Promise.all([fakeJa?.close(), bluesky?.close(), mastodon?.close()]);
    admin?.disconnect();
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const threads = (): Record<string, Thread> => {
    const x = (fake: FakeX): Thread => ({
      roots: fake.posts.filter((p) => !p.inReplyTo).map((p) => p.id),
      replies: fake.posts.filter((p) => p.inReplyTo).map((p) => ({ id: p.id, parent: p.inReplyTo! })),
    });
    return {
      x: x(t.fakeX),
      ja: x(fakeJa),
      bsky: { roots: bluesky.posts.filter((p) => !p.reply).map((p) => p.uri), replies: bluesky.posts.filter((p) => p.reply).map((p) => ({ id: p.uri, parent: p.reply!.parent.uri })) },
      masto: { roots: mastodon.statuses.filter((s) => !s.inReplyToId).map((s) => s.id), replies: mastodon.statuses.filter((s) => s.inReplyToId).map((s) => ({ id: s.id, parent: s.inReplyToId! })) },
    };
  };
  const posted = () => Object.values(threads()).reduce((n, th) => n + th.roots.length + th.replies.length, 0);

  it('holds every account, lists each account\'s own roots, and the documented recovery gives one root and one reply per incident per account', async () => {
    const outages = [event({ service: 'Alpha' }), event({ service: 'Bravo' }), event({ service: 'Charlie' })];
    for (const e of outages) await t.send(e);
    await t.waitFor(async () => Object.values(threads()).every((th) => th.roots.length === 3) || undefined, 'three roots on every account', 30_000);
    for (const e of outages) {
      await t.waitFor(async () => (await t.get(`/api/incidents/${e.key}`)).body?.tweets?.length === 4 || undefined, `herald to record ${e.key} on every account`, 15_000);
    }
    const before = threads();
    // Redis forgets right after the last announcement: well within the epoch watch's 5 s refresh.
    await admin.flushdb();

    const health = await t.waitFor(async () => {
      const res = await t.get('/healthz/accounts', { authorization: '' });
      return res.body.accounts?.every((a: { status: string }) => a.status === 'redis-data-lost') ? res : undefined;
    }, 'every account to say redis-data-lost', 20_000);
    assert.equal(health.status, 503);
    assert.equal(health.body.status, 'redis-data-lost');
    const x = await t.get('/healthz/x', { authorization: '' });
    assert.deepEqual([x.status, x.body.status], [503, 'redis-data-lost']);
    for (const account of health.body.accounts as { account: string; lost: { key: string; rootTweetId: string; rootCid?: string }[] }[]) {
      assert.deepEqual(
        account.lost.map((l) => l.rootTweetId).sort(),
        [...before[account.account]!.roots].sort(),
        `${account.account} lists its own root of each incident`,
      );
      assert.deepEqual(account.lost.map((l) => l.key).sort(), outages.map((e) => e.key).sort());
    }

    // Monitoring repeats the opens herald lost, and a new outage begins: nothing goes out while held.
    for (const e of outages) await t.send(e);
    const fresh = event({ service: 'Delta' });
    await t.send(fresh);
    await sleep(2000);
    assert.equal(posted(), 12, 'nothing was posted on any account while held');

    // docs/faults.md: attach each account's live root, then resume each account.
    for (const account of health.body.accounts as { account: string; lost: { key: string; rootTweetId: string; rootCid?: string }[] }[]) {
      for (const lost of account.lost) {
        const body = { tweetId: lost.rootTweetId, account: account.account, ...(lost.rootCid && { cid: lost.rootCid }) };
        const attached = await t.send(body, { path: `/api/incidents/${encodeURIComponent(lost.key)}/thread` });
        assert.equal(attached.status, 200, `${account.account} ${lost.key}: ${JSON.stringify(attached.body)}`);
      }
    }
    for (const id of ['x', 'ja', 'bsky', 'masto']) assert.equal((await t.send({}, { path: `/api/accounts/${id}/resume` })).body.resumed, true, id);
    for (const e of [...outages, fresh]) await t.send({ ...e, status: 'resolved' });

    await t.waitFor(async () => Object.values(threads()).every((th) => th.roots.length === 4 && th.replies.length === 4) || undefined, 'four roots and four replies on every account', 60_000);
    await sleep(1500);
    for (const [account, th] of Object.entries(threads())) {
      assert.equal(th.roots.length, 4, `${account}: one root per incident`);
      assert.equal(th.replies.length, 4, `${account}: one reply per incident`);
      assert.deepEqual(new Set(th.replies.map((r) => r.parent)), new Set(th.roots), `${account}: each reply under its own account's root`);
      for (const root of before[account]!.roots) assert.ok(th.roots.includes(root), `${account}: the first roots stay the roots`);
    }
    assert.equal((await t.get('/healthz/accounts', { authorization: '' })).status, 200);
  });
});
