import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../src/config.ts';
import { applyEventToAccounts, claimPostInAccount } from '../src/incidents/accounts.ts';
import type { AlertEvent, Incident, Post } from '../src/incidents/model.ts';
import { startFakeX, type FakeX } from './helpers/fake-x.ts';
import { apiCall, consoleEnv } from './helpers/console.ts';
import { event, settled, startTestHerald, type TestHerald } from './helpers/herald.ts';
import { startHeraldWithJa, type HeraldWithJa } from './helpers/ja-account.ts';

const RULES = { graceMs: 0, reopenWindowMs: 3600_000 };
const alert = (status: AlertEvent['status'], receivedAt: string): AlertEvent => ({
  key: 'k', status, service: 'KakaoTalk', feature: 'messaging', severity: 'major', at: receivedAt, source: 'generic', receivedAt,
});
const compose = () => ({ text: 'composed', variant: 0 });

describe('several accounts, as pure rules', () => {
  it('plans one announcement per account, each named after its account', () => {
    const applied = applyEventToAccounts(null, alert('open', '2026-05-20T00:00:00.000Z'), RULES, ['x', 'ja']);
    assert.deepEqual(applied.scheduled.map((p) => [p.id, p.account]), [['open-1', undefined], ['ja.open-1', 'ja']]);
  });

  it('threads a reply under its own account\'s announcement, not waiting for the other account', () => {
    const posts: Post[] = [
      { id: 'open-1', kind: 'open', status: 'scheduled', dueAt: '2026-05-20T00:00:00.000Z', attempts: 3 },
      { id: 'ja.open-1', account: 'ja', kind: 'open', status: 'posted', dueAt: '2026-05-20T00:00:00.000Z', attempts: 1, tweetId: '900', postedAt: '2026-05-20T00:00:01.000Z' },
      { id: 'ja.resolved-1', account: 'ja', kind: 'resolved', status: 'scheduled', dueAt: '2026-05-20T00:30:00.000Z', attempts: 0 },
    ];
    const incident: Incident = { key: 'k', service: 'KakaoTalk', feature: 'messaging', severity: 'major', state: 'resolved', openedAt: '2026-05-20T00:00:00.000Z', resolvedAt: '2026-05-20T00:30:00.000Z', firstSeenAt: '2026-05-20T00:00:00.000Z', events: 2, posts };
    const { claim, incident: next } = claimPostInAccount(incident, 'ja.resolved-1', Date.parse('2026-05-20T00:30:00.000Z'), compose);
    assert.equal(claim.action, 'send');
    assert.equal(claim.action === 'send' && claim.post.inReplyTo, '900');
    assert.deepEqual(next!.posts.map((p) => p.id), ['open-1', 'ja.open-1', 'ja.resolved-1'], 'posts keep their places');
  });

  it('applies the rules exactly as before with only the default account', () => {
    const applied = applyEventToAccounts(null, alert('open', '2026-05-20T00:00:00.000Z'), RULES, ['x']);
    assert.deepEqual(applied.scheduled.map((p) => p.id), ['open-1']);
    assert.equal(applied.scheduled[0]!.account, undefined);
  });
});

describe('the accounts file', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'herald-accounts-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  const load = async (yaml: string, env: Record<string, string> = {}) => {
    const file = join(dir, `accounts-${Math.random().toString(36).slice(2)}.yaml`);
    await writeFile(file, yaml);
    return loadConfig({ HERALD_ACCOUNTS_FILE: file, HERALD_DATA_DIR: dir, ...env });
  };

  it('gives an account without secrets its own dry-run outbox', async () => {
    const config = await load('accounts:\n  - id: ja\n    locale: ja\n    timezone: Asia/Tokyo\n');
    assert.deepEqual(config.accounts.map((a) => a.id), ['x', 'ja'], 'the default account first');
    assert.equal(config.accounts[1]!.credentials.x, undefined);
    assert.equal(config.accounts[1]!.outboxPath, join(dir, 'outbox-ja.jsonl'));
  });

  it('names every problem: a bad locale, a bad zone, and secrets half set', async () => {
    const yaml = 'accounts:\n  - id: ja\n    locale: fr\n    timezone: Mars/Olympus\n  - id: en\n    locale: en\n    timezone: UTC\n';
    await assert.rejects(load(yaml), (err: ConfigError) => err.problems.some((p) => p.includes('accounts.0.locale')) && err.problems.some((p) => p.includes('accounts.0.timezone')));
    await assert.rejects(load('accounts:\n  - id: en\n    locale: en\n    timezone: UTC\n', { X_EN_APP_KEY: 'k' }), (err: ConfigError) =>
      err.problems.some((p) => p.includes('X_EN_ACCESS_SECRET')),
    );
  });
});

describe('one incident announced on two accounts', () => {
  let herald: HeraldWithJa;
  let t: TestHerald;
  let fakeJa: FakeX;
  before(async () => {
    herald = await startHeraldWithJa();
    ({ t, fakeJa } = herald);
  });
  after(async () => herald.close());

  it('posts the announcement and the resolution on each account, each threaded under its own', async () => {
    const e = event();
    await t.send(e);
    await t.fakeX.waitForPosts(1);
    await fakeJa.waitForPosts(1);
    await t.send({ ...e, status: 'resolved', at: '2026-05-20T00:40:00+09:00' });
    const [koOpen, koReply] = await t.fakeX.waitForPosts(2);
    const [jaOpen, jaReply] = await fakeJa.waitForPosts(2);
    assert.equal(koReply!.inReplyTo, koOpen!.id);
    assert.equal(jaReply!.inReplyTo, jaOpen!.id);
    assert.match(koOpen!.text, /[\uac00-\ud7a3]/, 'Korean on the default account');
    assert.match(jaOpen!.text, /[\u3040-\u30ff]/, 'Japanese on the ja account');
    await settled(t);
  });

  it('shows each account its own status page in its own language', async () => {
    const ja = await (await fetch(`${t.url}/status/ja`)).text();
    const ko = await (await fetch(`${t.url}/status`)).text();
    assert.match(ja, /<html lang="ja">/);
    assert.ok(ja.includes(fakeJa.posts[0]!.id) && !ja.includes(t.fakeX.posts[0]!.id));
    assert.ok(ko.includes(t.fakeX.posts[0]!.id) && !ko.includes(fakeJa.posts[0]!.id));
    assert.ok(ja.includes(`https://x.com/herald_jp/status/${fakeJa.posts[0]!.id}`));
  });

  it('keeps both threads in one journal, each tweet with its account', async () => {
    const key = (await t.get('/api/incidents')).body[0].key;
    const journal = (await t.get(`/api/incidents/${key}/journal.json`)).body;
    assert.deepEqual(journal.thread.map((tw: any) => [tw.kind, tw.account]).sort(), [['open', 'ja'], ['open', 'x'], ['resolved', 'ja'], ['resolved', 'x']]);
  });
});

describe('accounts on Bluesky and Mastodon in the accounts file', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'herald-networks-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  const load = async (yaml: string, env: Record<string, string> = {}) => {
    const file = join(dir, `accounts-${Math.random().toString(36).slice(2)}.yaml`);
    await writeFile(file, yaml);
    return loadConfig({ HERALD_ACCOUNTS_FILE: file, HERALD_DATA_DIR: dir, ...env });
  };
  const two = 'accounts:\n  - id: en\n    network: bluesky\n    locale: en\n    timezone: UTC\n  - id: ja\n    network: mastodon\n    locale: ja\n    timezone: Asia/Tokyo\n';

  it('reads each account\'s network and its secrets from the pinned names', async () => {
    const config = await load(two, { BSKY_EN_HANDLE: 'status.example.com', BSKY_EN_APP_PASSWORD: 'app-pass', MASTODON_JA_URL: 'https://mstdn.example/', MASTODON_JA_TOKEN: 'tok' });
    const [, en, ja] = config.accounts;
    assert.deepEqual([en!.network, ja!.network], ['bluesky', 'mastodon']);
    const bluesky = en!.credentials.bluesky;
    assert.deepEqual(bluesky && { handle: bluesky.handle, service: bluesky.service }, { handle: 'status.example.com', service: 'https://bsky.social' });
    assert.equal(ja!.credentials.mastodon?.url, 'https://mstdn.example');
    assert.equal(en!.credentials.x, undefined);
  });

  it('runs an account without its network\'s secrets dry, and defaults the network to x', async () => {
    const config = await load(`${two}  - id: ko\n    locale: ko\n    timezone: Asia/Seoul\n`);
    const credentials = (a: (typeof config.accounts)[number]) => a.credentials.bluesky ?? a.credentials.mastodon ?? a.credentials.x;
    assert.deepEqual(config.accounts.slice(1).map((a) => [a.network, credentials(a)]), [['bluesky', undefined], ['mastodon', undefined], ['x', undefined]]);
  });

  it('names every half-set or malformed secret at start, with the others', async () => {
    await assert.rejects(load(two, { BSKY_EN_HANDLE: 'status.example.com', MASTODON_JA_URL: 'mstdn.example', MASTODON_JA_TOKEN: 't' }), (err: ConfigError) =>
      err.problems.some((p) => p.includes('BSKY_EN_APP_PASSWORD missing')) && err.problems.some((p) => p.includes('MASTODON_JA_URL must be')),
    );
  });

  it('refuses an unknown network and the id x', async () => {
    await assert.rejects(load('accounts:\n  - id: x\n    network: threads\n    locale: en\n    timezone: UTC\n'), (err: ConfigError) =>
      err.problems.some((p) => p.includes('accounts.0.network')) && err.problems.some((p) => p.includes('accounts.0.id')),
    );
  });
});

describe('two accounts with HERALD_APPROVAL=required', () => {
  let t: TestHerald;
  let fakeJa: FakeX;
  let dir: string;
  const api = (method: string, path: string, json?: unknown) => apiCall(t.url, method, path, json);
  /** Sends a webhook and resolves with the drafts it produced, the default account's first. */
  async function draftsFor(e: ReturnType<typeof event>) {
    await t.send(e);
    return t.waitFor(async () => {
      const drafts = (await api('GET', '/api/drafts')).body.filter((d: any) => d.incident === e.key);
      return drafts.length === 2 ? drafts.sort((a: any, b: any) => (a.account ?? '').localeCompare(b.account ?? '')) : undefined;
    }, 'a draft for each account');
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'herald-accounts-'));
    fakeJa = await startFakeX({ user: { id: '1500000000000000098', name: 'Herald JP', username: 'herald_jp' } });
    const file = join(dir, 'accounts.yaml');
    await writeFile(file, 'accounts:\n  - id: ja\n    locale: ja\n    timezone: Asia/Tokyo\n');
    t = await startTestHerald(
      await consoleEnv({
        HERALD_ACCOUNTS_FILE: file,
        HERALD_LOCALE: 'ko',
        HERALD_FOLLOWUP_MINUTES: '0',
        X_JA_APP_KEY: 'ja-key', X_JA_APP_SECRET: 'ja-secret', X_JA_ACCESS_TOKEN: 'ja-token', X_JA_ACCESS_SECRET: 'ja-token-secret',
        X_JA_API_BASE_URL: fakeJa.url,
      }),
    );
  });
  after(async () => {
    await t.close();
    await fakeJa.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes each account\'s draft in that account\'s language and says which account it is for', async () => {
    const [ko, ja] = await draftsFor(event());
    assert.equal(ko.account, undefined, 'the default account\'s draft names no account');
    assert.equal(ja.account, 'ja');
    assert.match(ko.text, /[\uac00-\ud7a3]/, 'Korean for the default account');
    assert.match(ja.text, /[\u3040-\u30ff]/, 'Japanese for the ja account');
    assert.doesNotMatch(ja.text, /[\uac00-\ud7a3]/);
  });

  it('posts an approved draft on its own account with the text that was shown', async () => {
    const [, ja] = await draftsFor(event());
    assert.equal((await api('POST', `/api/drafts/${ja.id}/approve`)).status, 200);
    const [tweet] = await fakeJa.waitForPosts(1);
    assert.equal(tweet!.text, ja.text);
    assert.equal(t.fakeX.posts.length, 0, 'the default account\'s draft still waits');
  });
});
