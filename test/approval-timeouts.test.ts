import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiCall, consoleEnv, tempFile } from './helpers/console.ts';
import { deliveryJobId } from '../src/queues.ts';
import { event, startTestHerald, type TestHerald } from './helpers/herald.ts';

// Short, injectable deadlines: the rules file takes fractions of a second.
const RULES = `
rules:
  - severity: critical
    feature: pc
    approval: required
    timeoutSeconds: 1.5
    onTimeout: post
  - severity: critical
    approval: required
    timeoutSeconds: 0.3
    onTimeout: post
  - severity: minor
    approval: required
    timeoutSeconds: 0.3
    onTimeout: expire
`;

describe('approval deadlines from the rules file', () => {
  let t: TestHerald;
  const incident = async (key: string) => (await t.herald.store.get(key))!;

  before(async () => {
    t = await startTestHerald(await consoleEnv({ HERALD_APPROVAL: 'auto', HERALD_APPROVAL_RULES: tempFile('rules.yaml', RULES) }));
  });
  after(async () => t.close());

  it('posts a critical draft anyway when nobody approves it before its deadline', async () => {
    t.fakeX.reset();
    const e = event({ severity: 'critical' });
    await t.send(e);
    const [tweet] = await t.fakeX.waitForPosts(1);
    assert.match(tweet!.text, /KakaoTalk/);
    const record = await t.waitFor(async () => {
      const i = await incident(e.key);
      return i.posts[0]!.status === 'posted' ? i : undefined;
    }, 'the post to be recorded');
    assert.equal(record.posts[0]!.approval?.onTimeout, 'post');
    assert.deepEqual(record.audit!.map((a) => [a.actor, a.action]), [
      ['herald', 'drafted'],
      ['herald', 'posted on timeout'],
    ]);
  });

  it('lets a minor draft expire unposted when nobody approves it before its deadline', async () => {
    t.fakeX.reset();
    const e = event({ severity: 'minor' });
    await t.send(e);
    const post = await t.waitFor(async () => {
      const p = (await incident(e.key))?.posts[0];
      return p?.status === 'cancelled' ? p : undefined;
    }, 'the draft to expire');
    assert.match(post.note!, /nobody approved it within .*expired/);
    assert.equal(t.fakeX.posts.length, 0);
    assert.deepEqual((await incident(e.key)).audit!.map((a) => a.action), ['drafted', 'expired']);
    const late = await apiCall(t.url, 'POST', `/api/drafts/${e.key}~open-1/approve`);
    assert.equal(late.status, 409, 'an approval after the deadline finds the draft gone');
  });

  it('posts at once what no rule holds, without a draft', async () => {
    t.fakeX.reset();
    const e = event({ severity: 'major' });
    await t.send(e);
    await t.fakeX.waitForPosts(1);
    const record = await incident(e.key);
    assert.equal(record.posts[0]!.approval, undefined);
    assert.equal(record.audit, undefined);
  });

  it('still keeps the deadline of a draft whose timer job was lost, through the sweep', async () => {
    t.fakeX.reset();
    const e = event({ severity: 'critical', feature: 'pc' });
    await t.send(e);
    await t.waitFor(async () => (await incident(e.key))?.posts[0]?.status === 'draft', 'the draft');
    // As after a crash between recording the draft and queueing its job.
    await t.waitFor(async () => (await t.herald.queues.posts.remove(deliveryJobId(e.key, 'open-1'))) === 1, 'the job to be removed');
    await t.fakeX.waitForPosts(1, 10_000);
    assert.equal((await incident(e.key)).audit!.at(-1)!.action, 'posted on timeout');
  });
});
