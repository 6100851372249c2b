import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BlueskyPublisher } from '../src/publish/bluesky/bluesky-publisher.ts';
import { PublishError } from '../src/publish/publisher.ts';
import { startFakeBluesky, type FakeBluesky } from './helpers/fake-bluesky.ts';

describe('the Bluesky publisher against a fake PDS (real @atproto/api requests)', () => {
  let fake: FakeBluesky;
  let bsky: BlueskyPublisher;
  before(async () => {
    fake = await startFakeBluesky({ rateLimitResetSeconds: 90 });
    bsky = new BlueskyPublisher({ handle: fake.handle, appPassword: fake.password, service: fake.url, locale: 'en', timeoutMs: 2000 });
    // Loading @atproto/api takes seconds on a busy machine: not part of any call's deadline.
    await import('@atproto/api');
  });
  after(async () => fake.close());

  it('posts a root and a reply that names the root by uri and cid, with the language and a bsky.app link', async () => {
    const root = await bsky.post({ text: 'Messaging is down. We are on it.' });
    const reply = await bsky.post({ text: 'Messaging works again.', inReplyTo: root.id, inReplyToCid: root.cid });
    const ref = { uri: root.id, cid: root.cid };
    assert.deepEqual(fake.posts[1]!.reply, { root: ref, parent: ref });
    assert.deepEqual(fake.posts[0]!.langs, ['en']);
    const sent = fake.bodies[0] as { repo: string; collection: string; record: Record<string, unknown> };
    assert.deepEqual([sent.repo, sent.collection, Object.keys(sent.record).sort()], [fake.did, 'app.bsky.feed.post', ['$type', 'createdAt', 'langs', 'text']]);
    assert.match(reply.url!, new RegExp(`^https://bsky.app/profile/${fake.handle}/post/[a-z2-7]{13}$`));
    assert.equal(reply.url!.split('/').pop(), reply.id.split('/').pop(), 'the link ends with the record key');
  });

  it('signs in once and refreshes an expired session instead of signing in again', async () => {
    fake.expireAccessTokens();
    await bsky.post({ text: 'Still working on it.' });
    assert.equal(fake.requests['POST com.atproto.server.createSession'], 1);
    assert.equal(fake.requests['POST com.atproto.server.refreshSession'], 1);
  });

  it('reads its own posts back with their parent, cid and time, to reconcile a lost answer', async () => {
    const recent = await bsky.recentPosts(10);
    assert.equal(recent[0]!.text, 'Still working on it.');
    const reply = recent.find((p) => p.text === 'Messaging works again.')!;
    assert.equal(reply.inReplyTo, fake.posts[0]!.uri);
    assert.equal(reply.cid, fake.posts[1]!.cid);
    assert.ok(reply.createdAt);
  });

  it('says when a 429 lifts, from ratelimit-reset', async () => {
    fake.failNext('429');
    const err = await bsky.post({ text: 'Limited.' }).catch((e) => e);
    assert.ok(err instanceof PublishError && err.reason === 'rate-limited');
    assert.ok(err.details.retryAt!.getTime() > Date.now() + 60_000);
  });

  it('treats a reply to a post that does not exist as a missing parent', async () => {
    const err = await bsky.post({ text: 'Orphan.', inReplyTo: `at://${fake.did}/app.bsky.feed.post/2222222222222`, inReplyToCid: fake.posts[0]!.cid }).catch((e) => e);
    assert.equal(err.reason, 'parent-missing');
  });

  it('refuses a text over 300 graphemes before sending it', async () => {
    const before = fake.bodies.length;
    const err = await bsky.post({ text: 'a'.repeat(301) }).catch((e) => e);
    assert.equal(err.reason, 'invalid');
    assert.equal(fake.bodies.length, before);
  });

  it('calls a lost answer an unknown outcome, the post being live', async () => {
    fake.failNext('drop-after-create');
    const err = await bsky.post({ text: 'Lost answer.' }).catch((e) => e);
    assert.equal(err.reason, 'outcome-unknown');
    assert.equal(fake.posts.at(-1)!.text, 'Lost answer.');
  });

  it('calls a revoked app password unauthorized', async () => {
    fake.refuseAccount(true);
    const err = await bsky.verify().catch((e) => e);
    fake.refuseAccount(false);
    assert.equal(err.reason, 'unauthorized');
  });
});
