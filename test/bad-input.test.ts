import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { event, startTestHerald, TOKEN, type TestHerald } from './helpers/herald.ts';

describe('bad webhook input gets a clear error and changes nothing', () => {
  let t: TestHerald;
  before(async () => {
    t = await startTestHerald();
  });
  after(async () => t.close());

  async function refused(body: unknown, headers: Record<string, string> = {}) {
    const before = await t.queuedEvents();
    const res = await t.send(body, { headers });
    assert.equal(await t.queuedEvents(), before, 'nothing was enqueued');
    return res;
  }

  it('answers 400 naming the problem for malformed JSON', async () => {
    const res = await refused('{"key": "a", "status": ');
    assert.equal(res.status, 400);
    assert.match(res.body.error, /not valid JSON/);
    assert.ok(Array.isArray(res.body.details));
  });

  it('answers 400 naming each bad field', async () => {
    const res = await refused(event({ status: 'exploded', feature: undefined, severity: 7 }));
    assert.equal(res.status, 400);
    const details = res.body.details.join('\n');
    assert.match(details, /^status:/m);
    assert.match(details, /^feature:/m);
    assert.match(details, /^severity:/m);
  });

  it('answers 400 for a time without an offset', async () => {
    const res = await refused(event({ at: '2026-05-20T00:00:00' }));
    assert.equal(res.status, 400);
    assert.match(res.body.details.join('\n'), /^at:/m);
  });

  it('answers 400 naming the limit for a service name over 60 characters, and takes one of 60', async () => {
    for (const service of ['가'.repeat(61), 'Kakao Talk Gift Business Partner Center Admin Console Service']) {
      const res = await refused(event({ service }));
      assert.equal(res.status, 400, service);
      assert.match(res.body.details.join('\n'), /^service: at most 60 characters/m);
    }
    assert.equal((await t.send(event({ key: 'long-name', service: '가'.repeat(60) }))).status, 202);
  });

  it('answers 400 for a service name that could become a mention or a link', async () => {
    for (const service of ['@everyone', 'evil.com', 'Talk\nhttps://x.y', '#outage']) {
      const res = await refused(event({ service }));
      assert.equal(res.status, 400, service);
      assert.match(res.body.details.join('\n'), /^service:/m);
    }
  });

  it('answers 400 for fields it does not know', async () => {
    const res = await refused(event({ message: 'free text' }));
    assert.equal(res.status, 400);
  });

  it('answers 400 for an empty body', async () => {
    const res = await refused('');
    assert.equal(res.status, 400);
  });

  it('answers 401 without a token and with a wrong one', async () => {
    assert.equal((await refused(event(), { authorization: '' })).status, 401);
    const wrong = await refused(event(), { authorization: `Bearer ${TOKEN}x` });
    assert.equal(wrong.status, 401);
    assert.match(wrong.body.error, /credentials/);
  });

  it('answers 401 before it looks at the body', async () => {
    const res = await refused('{not json', { authorization: 'Bearer nope' });
    assert.equal(res.status, 401);
  });

  it('answers 413 for a body over 256 KiB', async () => {
    const res = await refused(event({ padding: 'x'.repeat(300 * 1024) }));
    assert.equal(res.status, 413);
    assert.match(res.body.error, /larger than/);
  });

  it('keeps serving after all of that', async () => {
    const res = await t.send(event());
    assert.equal(res.status, 202);
    await t.fakeX.waitForPosts(1);
  });

  it('answers the incident API only with the token', async () => {
    assert.equal((await t.get('/api/incidents/nope', { authorization: '' })).status, 401);
    assert.equal((await t.get('/api/incidents/nope')).status, 404);
  });
});
