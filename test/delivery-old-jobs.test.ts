import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { applyEventToAccounts } from '../src/incidents/accounts.ts';
import type { AlertEvent } from '../src/incidents/model.ts';
import { deliveryJobId, DELIVERY_JOB_OPTIONS } from '../src/queues.ts';
import type { FakeX } from './helpers/fake-x.ts';
import { settled, type TestHerald } from './helpers/herald.ts';
import { startHeraldWithJa, type HeraldWithJa } from './helpers/ja-account.ts';

/**
 * Delivery jobs name their account; jobs queued by an earlier herald carry only `{key, postId}`.
 * Those must still drain, each to its own account, after an upgrade.
 */
describe('delivery jobs queued before jobs named their account', () => {
  let herald: HeraldWithJa;
  let t: TestHerald;
  let fakeJa: FakeX;
  before(async () => {
    herald = await startHeraldWithJa();
    ({ t, fakeJa } = herald);
  });
  after(async () => herald.close());

  it('delivers an old-shape job of each account to that account', async () => {
    const key = `old-jobs-${Date.now()}`;
    const at = new Date().toISOString();
    const open: AlertEvent = { key, status: 'open', service: 'KakaoTalk', feature: 'messaging', severity: 'major', at, source: 'generic', receivedAt: at };
    const { incident } = applyEventToAccounts(null, open, { graceMs: 0, reopenWindowMs: 3600_000 }, ['x', 'ja']);
    assert.deepEqual(incident.posts.map((p) => p.id), ['open-1', 'ja.open-1']);
    // Queued the way an earlier version did, and held a moment so the record is written before they run.
    const posts = t.herald.queues.posts;
    for (const post of incident.posts) {
      await posts.add('deliver', { key, postId: post.id }, { ...DELIVERY_JOB_OPTIONS, jobId: deliveryJobId(key, post.id), delay: 500 });
    }
    await t.herald.store.update(key, () => ({ next: incident, result: null }));
    for (const post of incident.posts) {
      const job = await posts.getJob(deliveryJobId(key, post.id));
      assert.deepEqual(job?.data, { key, postId: post.id }, 'the job in Redis is the old shape, not one the sweep queued');
    }

    const [onDefault] = await t.fakeX.waitForPosts(1);
    const [onJa] = await fakeJa.waitForPosts(1);
    await settled(t);
    assert.equal(t.fakeX.posts.length, 1, 'the default account posted only its own post');
    assert.equal(fakeJa.posts.length, 1, 'the ja account posted only its own post');
    assert.match(onDefault!.text, /[\uac00-\ud7a3]/, 'Korean on the default account');
    assert.match(onJa!.text, /[\u3040-\u30ff]/, 'Japanese on the ja account');
    const stored = await t.herald.store.get(key);
    assert.deepEqual(stored!.posts.map((p) => [p.id, p.status, p.tweetId]), [['open-1', 'posted', onDefault!.id], ['ja.open-1', 'posted', onJa!.id]]);
  });
});
