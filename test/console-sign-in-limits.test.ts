import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../src/config.ts';
import { HeraldError } from '../src/errors.ts';
import { ConsoleClient, consoleEnv, PEOPLE } from './helpers/console.ts';
import { startTestHerald, type TestHerald } from './helpers/herald.ts';

/**
 * A browser behind the reverse proxy (the test itself, at 127.0.0.1): the proxy appends the real
 * client's address to whatever X-Forwarded-For the client sent (`claimed`, which may be made up).
 */
function from(t: TestHerald, address: string, claimed?: string): ConsoleClient {
  const c = new ConsoleClient(t.url);
  const request = c.request.bind(c);
  const forwarded = claimed ? `${claimed}, ${address}` : address;
  c.request = (method, path, options = {}) => request(method, path, { ...options, headers: { ...options.headers, 'x-forwarded-for': forwarded } });
  return c;
}

describe('console sign-in behind a reverse proxy', () => {
  let t: TestHerald;
  before(async () => {
    t = await startTestHerald(await consoleEnv({ HERALD_TRUST_PROXY: '127.0.0.1' }));
  });
  after(async () => t.close());

  it('an account guessed at from many addresses still lets its owner in from an address that has not failed', async () => {
    for (let i = 0; i < 12; i++) {
      const attacker = from(t, `203.0.113.${i + 1}`);
      await attacker.get('/console/login');
      assert.equal((await attacker.postForm('/console/login', { name: PEOPLE.viewer.name, password: `guess-${i}` })).status, 401);
    }
    assert.equal((await from(t, '198.51.100.7').signIn(PEOPLE.viewer.name, PEOPLE.viewer.password)).status, 303);
  });

  it('limits one name from one address, whatever case or spacing it is typed in', async () => {
    const guesser = from(t, '192.0.2.60');
    await guesser.get('/console/login');
    for (let i = 0; i < 10; i++) await guesser.postForm('/console/login', { name: i % 2 ? ` ${PEOPLE.approver.name.toUpperCase()} ` : PEOPLE.approver.name, password: `guess-${i}` });
    const locked = await guesser.postForm('/console/login', { name: PEOPLE.approver.name, password: PEOPLE.approver.password });
    assert.equal(locked.status, 429);
    assert.equal((await from(t, '192.0.2.61').signIn(PEOPLE.approver.name, PEOPLE.approver.password)).status, 303);
  });

  it('refuses a name longer than 64 characters before anything is counted or checked', async () => {
    const c = from(t, '192.0.2.70');
    await c.get('/console/login');
    for (let i = 0; i < 5; i++) {
      assert.equal((await c.postForm('/console/login', { name: `${PEOPLE.admin.name}${' '.repeat(97)}p${i}`, password: PEOPLE.admin.password })).status, 400);
    }
    const admin = from(t, '192.0.2.71');
    await admin.signIn(PEOPLE.admin.name, PEOPLE.admin.password);
    assert.ok(!JSON.stringify((await admin.api('GET', '/api/audit')).body).includes('192.0.2.70'), 'no sign-in was tried');
  });

  it('counts the address the proxy saw, not the one a client made up', async () => {
    const liar = (i: number) => from(t, '192.0.2.80', `100.64.0.${i}`);
    for (let i = 0; i < 10; i++) {
      const c = liar(i);
      await c.get('/console/login');
      await c.postForm('/console/login', { name: `nobody-${i}`, password: 'x' });
    }
    const c = liar(99);
    await c.get('/console/login');
    assert.equal((await c.postForm('/console/login', { name: PEOPLE.admin.name, password: PEOPLE.admin.password })).status, 429);
    const admin = from(t, '192.0.2.81');
    await admin.signIn(PEOPLE.admin.name, PEOPLE.admin.password);
    const log = JSON.stringify((await admin.api('GET', '/api/audit')).body);
    assert.match(log, /from 192\.0\.2\.80/);
    assert.ok(!log.includes('100.64.0.'), 'the made-up address is never recorded');
  });

  it('refuses HERALD_TRUST_PROXY=true, which would believe any X-Forwarded-For', () => {
    assert.throws(() => loadConfig({ HERALD_TRUST_PROXY: 'true' }), (err: unknown) => err instanceof HeraldError && /HERALD_TRUST_PROXY/.test(err.details.join(' ')));
    for (const good of ['1', '10.0.0.1', '10.0.0.0/8, 127.0.0.1', 'loopback']) assert.notEqual(loadConfig({ HERALD_TRUST_PROXY: good }).trustProxy, false, good);
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

describe('live streams per session', () => {
  let t: TestHerald;
  before(async () => {
    t = await startTestHerald(await consoleEnv());
  });
  after(async () => t.close());

  it('holds at most 5 /console/events streams open for one session, and frees a place when one closes', async () => {
    const viewer = new ConsoleClient(t.url);
    await viewer.signIn(PEOPLE.viewer.name, PEOPLE.viewer.password);
    const cookie = [...viewer.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const streams: AbortController[] = [];
    const open = async () => {
      const abort = new AbortController();
      const res = await fetch(`${t.url}/console/events`, { headers: { cookie }, signal: abort.signal });
      if (res.status === 200) streams.push(abort);
      else await res.text();
      return res.status;
    };
    for (let i = 0; i < 5; i++) assert.equal(await open(), 200, `stream ${i + 1}`);
    assert.equal(await open(), 429);
    streams.shift()!.abort();
    await t.waitFor(async () => (await open()) === 200, 'a freed place');
    for (const s of streams) s.abort();
  });
});
