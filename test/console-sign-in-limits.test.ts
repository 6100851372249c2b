import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConsoleClient, consoleEnv, PEOPLE } from './helpers/console.ts';
import { startTestHerald, type TestHerald } from './helpers/herald.ts';

/** A browser behind the reverse proxy: the proxy says who the real client is. */
function from(t: TestHerald, address: string): ConsoleClient {
  const c = new ConsoleClient(t.url);
  const request = c.request.bind(c);
  c.request = (method, path, options = {}) => request(method, path, { ...options, headers: { ...options.headers, 'x-forwarded-for': address } });
  return c;
}

describe('console sign-in behind a reverse proxy', () => {
  let t: TestHerald;
  before(async () => {
    t = await startTestHerald(await consoleEnv({ HERALD_TRUST_PROXY: 'true' }));
  });
  after(async () => t.close());

  it('locks out only the account that was guessed at, not every staff member behind the proxy', async () => {
    for (let i = 0; i < 10; i++) {
      const attacker = from(t, `203.0.113.${i + 1}`);
      await attacker.get('/console/login');
      assert.equal((await attacker.postForm('/console/login', { name: PEOPLE.viewer.name, password: `guess-${i}` })).status, 401);
    }
    const next = from(t, '203.0.113.99');
    await next.get('/console/login');
    const locked = await next.postForm('/console/login', { name: PEOPLE.viewer.name, password: PEOPLE.viewer.password });
    assert.equal(locked.status, 429);
    assert.match(locked.text, /for this account/);

    const colleague = from(t, '198.51.100.7');
    assert.equal((await colleague.signIn(PEOPLE.approver.name, PEOPLE.approver.password)).status, 303);
  });

  it('locks out the one real client address that keeps guessing, not the others', async () => {
    const guesser = from(t, '192.0.2.50');
    await guesser.get('/console/login');
    for (let i = 0; i < 10; i++) await guesser.postForm('/console/login', { name: `nobody-${i}`, password: 'x' });
    const blocked = await guesser.postForm('/console/login', { name: PEOPLE.admin.name, password: PEOPLE.admin.password });
    assert.equal(blocked.status, 429);
    assert.match(blocked.text, /from this address/);
    assert.equal((await from(t, '192.0.2.51').signIn(PEOPLE.admin.name, PEOPLE.admin.password)).status, 303);
  });

  it('keeps a hash of a refused name in the account log, never what was typed', async () => {
    const c = from(t, '192.0.2.77');
    await c.get('/console/login');
    await c.postForm('/console/login', { name: 'my-secret-password', password: 'x' });
    const admin = from(t, '192.0.2.78');
    await admin.signIn(PEOPLE.admin.name, PEOPLE.admin.password);
    const log = await admin.api('GET', '/api/audit');
    const text = JSON.stringify(log.body);
    assert.ok(!text.includes('my-secret-password'));
    assert.match(text, /unknown name #[0-9a-f]{16}/);
  });
});

describe('CSRF tokens belong to one session', () => {
  let t: TestHerald;
  before(async () => {
    t = await startTestHerald(await consoleEnv());
  });
  after(async () => t.close());

  it('refuses a token made for another session (planted CSRF cookie and token)', async () => {
    const attacker = new ConsoleClient(t.url);
    await attacker.signIn(PEOPLE.viewer.name, PEOPLE.viewer.password);
    const victim = new ConsoleClient(t.url);
    await victim.signIn(PEOPLE.approver.name, PEOPLE.approver.password);
    // The attacker's CSRF cookie and token, the victim's session.
    victim.cookies.set('_csrf', attacker.cookies.get('_csrf')!);
    victim.csrf = attacker.csrf;
    const res = await victim.api('POST', '/api/announcements', { service: 'KakaoTalk', text: 'Planted.' });
    assert.equal(res.status, 403);
    assert.match(res.body.error, /csrf/i);
  });

  it('renews the CSRF secret at sign-in, so a token from before sign-in is worthless after it', async () => {
    const c = new ConsoleClient(t.url);
    await c.get('/console/login');
    const before = { cookie: c.cookies.get('_csrf'), token: c.csrf };
    const signedIn = await c.postForm('/console/login', { name: PEOPLE.approver.name, password: PEOPLE.approver.password });
    assert.ok(signedIn.headers.getSetCookie().some((h) => /^_csrf=;/.test(h)), 'the old CSRF cookie is cleared');
    c.cookies.set('_csrf', before.cookie!);
    c.csrf = before.token;
    assert.equal((await c.api('POST', '/api/announcements', { service: 'KakaoTalk', text: 'Stale token.' })).status, 403);
  });
});
