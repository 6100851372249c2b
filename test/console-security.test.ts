import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConsoleClient, consoleEnv, PEOPLE } from './helpers/console.ts';
import { startTestHerald, type TestHerald } from './helpers/herald.ts';

describe('console sign-in, sessions and security headers', () => {
  let t: TestHerald;
  const { approver, admin } = PEOPLE;

  before(async () => {
    t = await startTestHerald(await consoleEnv());
  });
  after(async () => t.close());

  it('signs in with the right password and sets a Secure, HttpOnly, SameSite=Strict session cookie', async () => {
    const c = new ConsoleClient(t.url);
    await c.get('/console/login');
    const res = await c.postForm('/console/login', { name: approver.name, password: approver.password });
    assert.equal(res.status, 303);
    const cookie = res.headers.getSetCookie().find((h) => h.startsWith('herald_session='))!;
    assert.match(cookie, /; HttpOnly/);
    assert.match(cookie, /; Secure/);
    assert.match(cookie, /; SameSite=Strict/);
    assert.equal((await c.get('/console')).status, 200);
  });

  it('refuses a wrong password with 401 and records the refusal for admins', async () => {
    const c = new ConsoleClient(t.url);
    const res = await c.signIn(approver.name, 'not-the-password');
    assert.equal(res.status, 401);
    assert.match(res.text, /Wrong name or password/);
    assert.equal(c.cookies.has('herald_session'), false);
    const a = new ConsoleClient(t.url);
    await a.signIn(admin.name, admin.password);
    const log = (await a.api('GET', '/api/audit')).body;
    assert.ok(log.some((e: any) => e.action === 'sign-in refused' && e.actor === approver.name));
  });

  it('refuses a sign-in form that does not carry the CSRF token of its page', async () => {
    const c = new ConsoleClient(t.url);
    await c.get('/console/login');
    const res = await c.request('POST', '/console/login', { form: { name: approver.name, password: approver.password } });
    assert.equal(res.status, 403);
    assert.equal(c.cookies.has('herald_session'), false);
  });

  it('sends security headers with every console page', async () => {
    const res = await new ConsoleClient(t.url).get('/console/login');
    const csp = res.headers.get('content-security-policy')!;
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.match(res.headers.get('strict-transport-security')!, /max-age=/);
  });

  it('ends the session everywhere on sign-out', async () => {
    const c = new ConsoleClient(t.url);
    await c.signIn(approver.name, approver.password);
    const stolen = c.cookies.get('herald_session')!;
    assert.equal((await c.postForm('/console/logout')).status, 303);
    const replay = new ConsoleClient(t.url);
    replay.cookies.set('herald_session', stolen);
    const res = await replay.get('/console');
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/console/login');
  });

  it('escapes text from alerts and people in the pages', async () => {
    const c = new ConsoleClient(t.url);
    await c.signIn(approver.name, approver.password);
    const res = await c.api('POST', '/api/announcements', { service: 'KakaoTalk', text: 'Try <b>bold</b> & "quotes"' });
    assert.equal(res.status, 201);
    const page = await c.get('/console');
    assert.match(page.text, /Try &lt;b&gt;bold&lt;\/b&gt; &amp; &quot;quotes&quot;/);
    assert.doesNotMatch(page.text, /<b>bold<\/b>/);
  });

  // Last: it uses up this address's sign-in attempts.
  it('limits sign-in attempts from one address, even with the right password', async () => {
    const c = new ConsoleClient(t.url);
    let status = 0;
    for (let i = 0; i < 12 && status !== 429; i++) status = (await c.signIn(approver.name, 'guess')).status;
    assert.equal(status, 429);
    const right = await c.signIn(approver.name, approver.password);
    assert.equal(right.status, 429);
    assert.match(right.text, /Too many sign-in attempts/);
  });
});
