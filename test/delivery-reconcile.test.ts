import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
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

  it('is adopted, not posted again, when X created it but the answer was lost', async () => {
    t.fakeX.failNext('drop-after-create');
    const e = event();
    await t.send(e);
    const incident = await delivered(t, e.key, 1);
    await settled(t);

    assert.equal(t.fakeX.posts.length, 1);
    assert.equal(incident.tweets[0].id, t.fakeX.posts[0]!.id);
    assert.ok(t.fakeX.requests.byRoute['GET /2/users/:id/tweets']! >= 1, 'herald read the timeline before deciding');
  });

  it('is posted again when the connection dropped before X created anything', async () => {
    t.fakeX.failNext('drop-before-create');
    const e = event();
    await t.send(e);
    await delivered(t, e.key, 1);
    await settled(t);

    assert.equal(t.fakeX.posts.length, 1);
    assert.equal(t.fakeX.requests.byRoute['POST /2/tweets'], 2);
  });

  it('is adopted when X answered after herald stopped waiting', async () => {
    t.fakeX.failNext('delay:1500');
    const e = event();
    await t.send(e);
    const incident = await delivered(t, e.key, 1);
    await settled(t);

    assert.equal(t.fakeX.posts.length, 1);
    assert.equal(incident.tweets[0].id, t.fakeX.posts[0]!.id);
  });

  it('waits, posting nothing, while X cannot be read, then adopts the tweet', async () => {
    t.fakeX.failNext('drop-after-create');
    t.fakeX.failNextRead('drop');
    const e = event();
    await t.send(e);
    await delivered(t, e.key, 1);
    await settled(t);

    assert.equal(t.fakeX.posts.length, 1);
    assert.equal(t.fakeX.requests.byRoute['POST /2/tweets'], 1, 'no post while the timeline was unreadable');
  });

  it('is found through the duplicate rule after a 5xx that had created the tweet after all', async () => {
    t.fakeX.failNext('500-after-create');
    const e = event();
    await t.send(e);
    const incident = await delivered(t, e.key, 1);
    await settled(t);

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
