import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MastodonPublisher } from '../src/publish/mastodon/mastodon-publisher.ts';
import { statusText } from '../src/publish/mastodon/mastodon-errors.ts';
import { FAKE_MASTODON_TOKEN, startFakeMastodon, type FakeMastodon } from './helpers/fake-mastodon.ts';

describe('the Mastodon publisher against a fake instance (real masto.js requests)', () => {
  let fake: FakeMastodon;
  let masto: MastodonPublisher;
  before(async () => {
    fake = await startFakeMastodon({ maxCharacters: 120 });
    masto = new MastodonPublisher({ url: fake.url, token: FAKE_MASTODON_TOKEN, locale: 'ja', timeoutMs: 2000 });
  });
  after(async () => fake.close());

  it('reads the instance\'s own text limit at start', async () => {
    assert.equal(await masto.readLimit(), 120);
    assert.equal(masto.limit.max, 120);
  });

  it('sends the Idempotency-Key, the language and in_reply_to_id, and keeps the status url', async () => {
    const root = await masto.post({ text: 'メッセージが送れません。', idempotencyKey: 'post-a-open-1-1' });
    const reply = await masto.post({ text: '復旧しました。', inReplyTo: root.id, idempotencyKey: 'post-a-resolved-1-1' });
    const [first, second] = fake.received;
    assert.equal(first!.headers['idempotency-key'], 'post-a-open-1-1');
    assert.equal(first!.body.language, 'ja');
    assert.equal(second!.body.in_reply_to_id, root.id);
    assert.equal(reply.url, `${fake.url}/@status/${reply.id}`);
  });

  it('gets the first status back when a post is repeated with the same key after a lost answer', async () => {
    fake.failNext('drop-after-create');
    const lost = await masto.post({ text: '調査中です。', idempotencyKey: 'post-a-update-1-1' }).catch((e) => e);
    assert.equal(lost.reason, 'outcome-unknown');
    const again = await masto.post({ text: '調査中です。', idempotencyKey: 'post-a-update-1-1' });
    assert.equal(fake.statuses.filter((s) => s.text === '調査中です。').length, 1);
    assert.equal(again.id, fake.statuses.at(-1)!.id);
  });

  it('reads its own statuses back as plain text with their parent', async () => {
    const recent = await masto.recentPosts(5);
    assert.equal(recent[0]!.text, '調査中です。');
    assert.equal(recent.find((p) => p.text === '復旧しました。')!.inReplyTo, fake.statuses[0]!.id);
  });

  it('treats a reply to a status that does not exist as a missing parent', async () => {
    const err = await masto.post({ text: '続報です。', inReplyTo: '1', idempotencyKey: 'k-orphan' }).catch((e) => e);
    assert.equal(err.reason, 'parent-missing');
  });

  it('says when a 429 lifts, from X-RateLimit-Reset', async () => {
    fake.failNext('429');
    const err = await masto.post({ text: '制限中。', idempotencyKey: 'k-429' }).catch((e) => e);
    assert.equal(err.reason, 'rate-limited');
    assert.ok(err.details.retryAt.getTime() > Date.now() + 200_000);
  });

  it('calls a revoked token unauthorized', async () => {
    fake.refuseAccount(true);
    const err = await masto.verify().catch((e) => e);
    fake.refuseAccount(false);
    assert.equal(err.reason, 'unauthorized');
  });

  it('falls back to /api/v1/instance on an older server', async () => {
    const old = await startFakeMastodon({ maxCharacters: 1000, onlyV1Instance: true });
    try {
      assert.equal(await new MastodonPublisher({ url: old.url, token: FAKE_MASTODON_TOKEN, locale: 'en' }).readLimit(), 1000);
    } finally {
      await old.close();
    }
  });

  it('turns status HTML back into the text that was posted', () => {
    assert.equal(statusText('<p>A &amp; B<br />next</p><p><a href="https://x.example/a"><span class="invisible">https://</span><span class="">x.example/a</span></a></p>'), 'A & B\nnext\n\nhttps://x.example/a');
  });
});
