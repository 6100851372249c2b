import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { startFakeBluesky, type FakeBluesky } from './helpers/fake-bluesky.ts';
import { FAKE_MASTODON_TOKEN, startFakeMastodon, type FakeMastodon } from './helpers/fake-mastodon.ts';
import { event, settled, startTestHerald, type TestHerald } from './helpers/herald.ts';

describe('delivery guarantees on Bluesky and Mastodon', () => {
  let dir: string;
  let bluesky: FakeBluesky;
  let mastodon: FakeMastodon;
  let t: TestHerald;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'herald-recovery-'));
  });
  afterEach(async () => {
    await t.close();
    await Promise.all([bluesky.close(), mastodon.close()]);
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  async function start() {
    bluesky = await startFakeBluesky();
    mastodon = await startFakeMastodon();
    const file = join(dir, `accounts-${Math.random().toString(36).slice(2)}.yaml`);
    await writeFile(file, 'accounts:\n  - id: bsky\n    network: bluesky\n    locale: en\n    timezone: UTC\n  - id: masto\n    network: mastodon\n    locale: en\n    timezone: UTC\n');
    t = await startTestHerald({
      HERALD_ACCOUNTS_FILE: file,
      HERALD_FOLLOWUP_MINUTES: '0',
      BSKY_BSKY_HANDLE: bluesky.handle,
      BSKY_BSKY_APP_PASSWORD: bluesky.password,
      BSKY_BSKY_SERVICE: bluesky.url,
      MASTODON_MASTO_URL: mastodon.url,
      MASTODON_MASTO_TOKEN: FAKE_MASTODON_TOKEN,
    });
  }

  it('adopts a Bluesky post whose answer was lost, found in the account\'s own feed, and posts it once', async () => {
    await start();
    bluesky.failNext('drop-after-create');
    const e = event();
    await t.send(e);
    await bluesky.waitForPosts(1, 30_000);
    await settled(t, 30_000);
    assert.equal(bluesky.posts.length, 1);
    assert.ok((bluesky.requests['GET app.bsky.feed.getAuthorFeed'] ?? 0) >= 1, 'the feed was read to reconcile');
    const tweets = (await t.get(`/api/incidents/${e.key}`)).body.tweets.filter((tw: any) => tw.account === 'bsky');
    assert.deepEqual(tweets.map((tw: any) => tw.id), [bluesky.posts[0]!.uri]);
  });

  it('posts a Mastodon status once although its answer was lost, the same Idempotency-Key answering the first', async () => {
    await start();
    mastodon.failNext('drop-after-create');
    const e = event();
    await t.send(e);
    await mastodon.waitForStatuses(1, 30_000);
    await settled(t, 30_000);
    assert.equal(mastodon.statuses.length, 1);
    const tweets = (await t.get(`/api/incidents/${e.key}`)).body.tweets.filter((tw: any) => tw.account === 'masto');
    assert.deepEqual(tweets.map((tw: any) => tw.id), [mastodon.statuses[0]!.id]);
  });

  it('posts the resolution as a new Mastodon status naming the first when the first is gone', async () => {
    await start();
    const e = event();
    await t.send(e);
    const [first] = await mastodon.waitForStatuses(1, 30_000);
    await settled(t, 30_000);
    mastodon.deleteStatus(first!.id);
    await t.send({ ...e, status: 'resolved', at: '2026-05-20T00:40:00+09:00' });
    const [resolution] = await mastodon.waitForStatuses(1, 20_000);
    await settled(t, 30_000);
    assert.equal(resolution!.inReplyToId, null, 'a new root');
    assert.notEqual(resolution!.id, first!.id);
    assert.equal(bluesky.posts.length, 2, 'Bluesky threads as usual meanwhile');
    assert.equal(bluesky.posts[1]!.reply?.parent.uri, bluesky.posts[0]!.uri);
  });
});
