import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GENERIC_SIGNATURE_HEADER, GENERIC_TIMESTAMP_HEADER, signGeneric } from '../src/auth/signing.ts';
import { event, startTestHerald, type TestHerald } from './helpers/herald.ts';
import { SECRETS } from './helpers/monitoring.ts';

const SECRET = SECRETS.WEBHOOK_HMAC_SECRET;
const nowSeconds = () => String(Math.floor(Date.now() / 1000));

function signed(body: string, timestamp = nowSeconds(), secret: string = SECRET): Record<string, string> {
  return { authorization: '', [GENERIC_TIMESTAMP_HEADER]: timestamp, [GENERIC_SIGNATURE_HEADER]: signGeneric(secret, timestamp, body) };
}

describe('the generic webhook signed with HMAC-SHA256 over timestamp and body', () => {
  let t: TestHerald;
  before(async () => {
    t = await startTestHerald({ WEBHOOK_HMAC_SECRET: SECRET });
  });
  after(async () => t.close());

  async function refused(body: string, headers: Record<string, string>) {
    const before = await t.queuedEvents();
    const res = await t.send(body, { headers });
    assert.equal(await t.queuedEvents(), before, 'nothing was enqueued');
    return res;
  }

  it('accepts a correctly signed event without the bearer token', async () => {
    const body = JSON.stringify(event());
    const res = await t.send(body, { headers: signed(body) });
    assert.equal(res.status, 202);
    await t.fakeX.waitForPosts(1);
  });

  it('still accepts the bearer token alone', async () => {
    assert.equal((await t.send(event())).status, 202);
  });

  it('refuses a signature made with another secret', async () => {
    const body = JSON.stringify(event());
    assert.equal((await refused(body, signed(body, nowSeconds(), 'another-secret'))).status, 401);
  });

  it('refuses a body changed after signing', async () => {
    const body = JSON.stringify(event());
    const headers = signed(body);
    const res = await refused(body.replace('major', 'minor'), headers);
    assert.equal(res.status, 401);
    assert.match(res.body.error, /signature/);
  });

  it('refuses a signed request older than five minutes, or from more than five minutes ahead', async () => {
    const body = JSON.stringify(event());
    // Whole seconds, so keep a clear margin: the server's clock reads later than this one.
    const now = Math.floor(Date.now() / 1000);
    assert.equal((await refused(body, signed(body, String(now - 305)))).status, 401);
    assert.equal((await refused(body, signed(body, String(now + 305)))).status, 401);
    assert.equal((await t.send(body, { headers: signed(body, String(now - 240)) })).status, 202);
  });

  it('refuses a signature without its timestamp', async () => {
    const body = JSON.stringify(event());
    const { [GENERIC_TIMESTAMP_HEADER]: _dropped, ...headers } = signed(body);
    assert.equal((await refused(body, headers)).status, 401);
  });

  it('refuses a wrong signature even next to the right bearer token', async () => {
    const body = JSON.stringify(event());
    const headers = { ...signed(body, nowSeconds(), 'another-secret'), authorization: 'Bearer test-webhook-token' };
    assert.equal((await refused(body, headers)).status, 401);
  });

  it('answers 401 to a forged signature over malformed JSON, before parsing it', async () => {
    const res = await refused('{"key": ', { ...signed('{}'), authorization: '' });
    assert.equal(res.status, 401);
  });
});

describe('the generic webhook with only an HMAC secret', () => {
  let t: TestHerald;
  before(async () => {
    t = await startTestHerald({ WEBHOOK_TOKEN: '', WEBHOOK_HMAC_SECRET: SECRET });
  });
  after(async () => t.close());

  it('serves signed requests and refuses unsigned ones', async () => {
    const body = JSON.stringify(event());
    assert.equal((await t.send(body, { headers: signed(body) })).status, 202);
    assert.equal((await t.send(body, { headers: { authorization: 'Bearer test-webhook-token' } })).status, 401);
  });
});
