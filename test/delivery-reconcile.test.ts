import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Fault } from './helpers/fake-x.ts';
import { event, settled, startTestHerald, type TestHerald } from './helpers/herald.ts';

/** The incident as the API shows it once all its posts are out. */
async function delivered(t: TestHerald, key: string, tweets: number) {
  return t.waitFor(
    async () => {
      const r = await t.get(`/api/incidents/${key}`);
      return r.body?.tweets?.length === tweets ? r.body : undefined;
    },
    `${tweets} tweet(s) recorded for ${key}`,
    15_000,
  );
}

describe('a post whose outcome is unknown', () => {
  let t: TestHerald;
  before(async () => {
    t = await startTestHerald({ X_TIMEOUT_MS: '500' });
  });
  after(async () => t.close());
  beforeEach(async () => {
    await settled(t);
    t.fakeX.reset();
  });

  /** Sends an open whose first post meets `fault`, and waits until it is recorded and all is quiet. */
  async function openThrough(fault: Fault) {
    t.fakeX.failNext(fault);
    const e = event();
    await t.send(e);
    const incident = await delivered(t, e.key, 1);
    await settled(t);
    return incident;
  }

  it('is adopted, not posted again, when X created it but the answer was lost', async () => {
    const incident = await openThrough('drop-after-create');

    assert.equal(t.fakeX.posts.length, 1);
    assert.equal(incident.tweets[0].id, t.fakeX.posts[0]!.id);
    assert.ok(t.fakeX.requests.byRoute['GET /2/users/:id/tweets']! >= 1, 'herald read the timeline before deciding');
  });

  it('is posted again when the connection dropped before X created anything', async () => {
    await openThrough('drop-before-create');

    assert.equal(t.fakeX.posts.length, 1);
    assert.equal(t.fakeX.requests.byRoute['POST /2/tweets'], 2);
  });

  it('is sent again with exactly the same text when X finishes the first request only after herald looked, so X keeps one copy', async () => {
    // X creates the tweet of a request herald gave up on (at 0.5 s) just after herald read the
    // timeline and found nothing: tied to that read, not to a clock, so a slow machine cannot
    // move the creation before the read (herald would then rightly adopt it, never resending).
    const incident = await openThrough('late-create:read');
    await t.waitFor(async () => t.fakeX.sentTexts.length >= 2 || undefined, 'the second attempt');

    assert.equal(t.fakeX.sentTexts.length, 2);
    assert.equal(t.fakeX.sentTexts[1], t.fakeX.sentTexts[0], 'the retry sends the text of the attempt whose outcome was unknown');
    assert.equal(t.fakeX.posts.length, 1, "X's duplicate rule refused the late copy");
    assert.equal(incident.tweets[0].id, t.fakeX.posts[0]!.id);
  });

  it('is adopted when X answered after herald stopped waiting', async () => {
    const incident = await openThrough('delay:1500');

    assert.equal(t.fakeX.posts.length, 1);
    assert.equal(incident.tweets[0].id, t.fakeX.posts[0]!.id);
  });

  it('waits, posting nothing, while X cannot be read, then adopts the tweet', async () => {
    t.fakeX.failNextRead('drop');
    await openThrough('drop-after-create');

    assert.equal(t.fakeX.posts.length, 1);
    assert.equal(t.fakeX.requests.byRoute['POST /2/tweets'], 1, 'no post while the timeline was unreadable');
  });

  it('is found through the duplicate rule after a 5xx that had created the tweet after all', async () => {
    const incident = await openThrough('500-after-create');

    assert.equal(t.fakeX.posts.length, 1);
    assert.equal(incident.tweets[0].id, t.fakeX.posts[0]!.id);
    assert.equal(t.fakeX.requests.byStatus['POST /2/tweets 403'], 1, 'the retry with the same text was refused as a duplicate');
  });

  it('keeps its resolution threaded under the adopted tweet', async () => {
    t.fakeX.failNext('drop-after-create');
    const e = event();
    await t.send(e);
    await delivered(t, e.key, 1);
    await t.send({ ...e, status: 'resolved' });
    const incident = await delivered(t, e.key, 2);

    assert.equal(incident.tweets[1].inReplyTo, incident.tweets[0].id);
    assert.equal(t.fakeX.posts.length, 2);
  });
});

describe('reconciling when the budget for reading X is spent', () => {
  let t: TestHerald;
  before(async () => {
    // One read for the empty Redis at start (no life marker: ops/empty-start.ts), one for the first reconcile.
    t = await startTestHerald({ X_TIMEOUT_MS: '500', HERALD_X_READ_BUDGET_15MIN: '2' });
  });
  after(async () => t.close());

  it('leaves the post unknown, posts nothing, and shows the spent budget', async () => {
    t.fakeX.failNext('drop-after-create');
    const first = event();
    await t.send(first);
    await delivered(t, first.key, 1);

    t.fakeX.failNext('drop-after-create');
    const second = event({ service: 'Second Service' });
    await t.send(second);
    await t.waitFor(async () => {
      const c = await t.herald.queues.posts.getJobCounts('active', 'wait', 'prioritized', 'delayed');
      const post = (await t.get(`/api/incidents/${second.key}`)).body?.posts?.[0];
      return c.delayed === 1 && !c.active && !c.wait && !c.prioritized && post?.status === 'sending';
    }, 'the second post to wait for the reading budget');

    assert.equal(t.fakeX.posts.length, 2, 'each tweet once: the second is on X but not yet adopted');
    assert.equal(t.fakeX.requests.byRoute['POST /2/tweets'], 2);
    const reads = (await t.get('/api/budget')).body.reads.windows[0];
    assert.deepEqual([reads.limit, reads.remaining], [2, 0]);
  });
});
