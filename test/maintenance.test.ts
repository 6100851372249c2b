import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import ICAL from 'ical.js';
import { main } from '../src/cli.ts';
import { startFakeX, type FakeX, type FakePost } from './helpers/fake-x.ts';
import { settled, startTestHerald, type TestHerald } from './helpers/herald.ts';

/**
 * Windows are scheduled a few seconds ahead with short notice offsets, so the real delayed jobs
 * fire while the test watches: time moves by the clock the windows are written against.
 */
const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();
const API_TOKEN = 'maintenance-api-token';
const SLACK_MS = 8000; // "within seconds" on a loaded, shared machine

describe('scheduled maintenance on two accounts', () => {
  let t: TestHerald;
  let fakeJa: FakeX;
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'herald-maintenance-'));
    fakeJa = await startFakeX({ user: { id: '1500000000000000099', name: 'Herald JP', username: 'herald_jp' } });
    const file = join(dir, 'accounts.yaml');
    await writeFile(file, 'accounts:\n  - id: ja\n    locale: ja\n    timezone: Asia/Tokyo\n    username: herald_jp\n');
    t = await startTestHerald({
      HERALD_ACCOUNTS_FILE: file,
      HERALD_LOCALE: 'ko',
      HERALD_FOLLOWUP_MINUTES: '0',
      HERALD_API_TOKEN: API_TOKEN,
      // Maintenance notices are deferrable posts (minor): room for every test's notices in one window.
      HERALD_X_BUDGET_15MIN: '200',
      HERALD_X_BUDGET_24H: '1000',
      X_JA_APP_KEY: 'ja-key', X_JA_APP_SECRET: 'ja-secret', X_JA_ACCESS_TOKEN: 'ja-token', X_JA_ACCESS_SECRET: 'ja-token-secret',
      X_JA_API_BASE_URL: fakeJa.url,
    });
  });
  after(async () => {
    await t.close();
    await fakeJa.close();
    await rm(dir, { recursive: true, force: true });
  });

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(t.url + path, { method, headers: { authorization: `Bearer ${API_TOKEN}`, ...(body !== undefined && { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: await res.json() };
  };
  const postsOf = (fake: FakeX, service: string): FakePost[] => fake.posts.filter((p) => p.text.includes(service));
  const waitPosts = (fake: FakeX, service: string, n: number, timeoutMs = 20_000) => t.waitFor(async () => postsOf(fake, service).length >= n && postsOf(fake, service), `${n} posts about ${service}`, timeoutMs);
  const threadOf = (posts: FakePost[]) => posts.map((p) => p.inReplyTo ?? null);

  it('announces ahead, starts and finishes as one root and two replies per account, each at its moment', async () => {
    const startsAt = inSeconds(3);
    const endsAt = inSeconds(6);
    const made = await call('POST', '/api/maintenance', { service: 'Talk One', feature: 'messaging', startsAt, endsAt });
    assert.equal(made.status, 201);
    assert.equal(made.body.state, 'scheduled');
    const { key } = made.body;
    for (const fake of [t.fakeX, fakeJa]) {
      const [root, starting, done] = await waitPosts(fake, 'Talk One', 3);
      assert.deepEqual(threadOf([root!, starting!, done!]), [null, root!.id, root!.id]);
      assert.ok(starting!.at.getTime() >= Date.parse(startsAt) && starting!.at.getTime() < Date.parse(startsAt) + SLACK_MS, 'the start notice at the start');
      assert.ok(done!.at.getTime() >= Date.parse(endsAt) && done!.at.getTime() < Date.parse(endsAt) + SLACK_MS, 'the done notice at the end');
    }
    assert.match(postsOf(fakeJa, 'Talk One')[0]!.text, /メンテナンス/);
    // X has the last tweet a moment before herald has recorded its id.
    await settled(t);
    const view = (await call('GET', `/api/maintenance/${key}`)).body;
    assert.equal(view.state, 'done');
    assert.deepEqual(view.tweets.filter((tw: any) => tw.account === 'x').map((tw: any) => tw.kind), ['ahead', 'starting', 'done']);
    assert.equal(postsOf(t.fakeX, 'Talk One').length, 3);
  });

  it('says done at once when the work is finished early, and nothing at the planned end', async () => {
    const { key } = (await call('POST', '/api/maintenance', { service: 'Talk Two', feature: 'login', startsAt: inSeconds(1), endsAt: inSeconds(3600), announceAhead: [] })).body;
    await waitPosts(t.fakeX, 'Talk Two', 1);
    assert.equal((await call('GET', `/api/maintenance/${key}`)).body.state, 'in-progress');
    const done = await call('POST', `/api/maintenance/${key}/done`);
    assert.equal(done.status, 200);
    assert.equal(done.body.state, 'done');
    const [root, reply] = await waitPosts(t.fakeX, 'Talk Two', 2);
    assert.equal(reply!.inReplyTo, root!.id);
    await waitPosts(fakeJa, 'Talk Two', 2);
    await settled(t);
    assert.equal(postsOf(t.fakeX, 'Talk Two').length, 2);
  });

  it('replies that it is taking longer when a window in progress is extended', async () => {
    const { key } = (await call('POST', '/api/maintenance', { service: 'Talk Three', feature: 'messaging', startsAt: inSeconds(1), endsAt: inSeconds(60), announceAhead: [] })).body;
    await waitPosts(t.fakeX, 'Talk Three', 1);
    const until = inSeconds(3600);
    const extended = await call('PATCH', `/api/maintenance/${key}`, { endsAt: until });
    assert.equal(extended.status, 200);
    assert.equal(extended.body.endsAt, until);
    const [root, reply] = await waitPosts(t.fakeX, 'Talk Three', 2);
    assert.equal(reply!.inReplyTo, root!.id);
    assert.match(reply!.text, /길어지고|시간이 조금 더|이어져요/);
    await call('POST', `/api/maintenance/${key}/done`);
    await waitPosts(t.fakeX, 'Talk Three', 3);
  });

  it('replies "cancelled" under the announcement of a window called off before it started', async () => {
    const { key } = (await call('POST', '/api/maintenance', { service: 'Talk Four', feature: 'pc', startsAt: inSeconds(120), endsAt: inSeconds(240), announceAhead: ['PT1H'] })).body;
    await waitPosts(t.fakeX, 'Talk Four', 1);
    await t.waitFor(async () => (await call('GET', `/api/maintenance/${key}`)).body.state === 'announced', 'the window to be announced');
    assert.equal((await call('POST', `/api/maintenance/${key}/cancel`)).body.state, 'cancelled');
    for (const fake of [t.fakeX, fakeJa]) {
      const [root, reply] = await waitPosts(fake, 'Talk Four', 2);
      assert.equal(reply!.inReplyTo, root!.id);
    }
    await settled(t);
    assert.equal(postsOf(t.fakeX, 'Talk Four').length, 2);
  });

  it('posts nothing for a window cancelled before it was announced', async () => {
    const { key } = (await call('POST', '/api/maintenance', { service: 'Talk Five', feature: 'pc', startsAt: inSeconds(60), endsAt: inSeconds(120), announceAhead: ['PT30S'] })).body;
    const cancelled = await call('POST', `/api/maintenance/${key}/cancel`);
    assert.equal(cancelled.body.state, 'cancelled');
    assert.ok(cancelled.body.posts.every((p: any) => p.status === 'cancelled'));
    await settled(t);
    assert.equal(postsOf(t.fakeX, 'Talk Five').length + postsOf(fakeJa, 'Talk Five').length, 0);
  });

  it('refuses bad fields with a 400 naming each of them, and stores nothing', async () => {
    const before = (await call('GET', '/api/maintenance')).body.length;
    const bad = await call('POST', '/api/maintenance', { service: '@everyone', startsAt: 'tomorrow', endsAt: inSeconds(60), announceAhead: ['1 hour'] });
    assert.equal(bad.status, 400);
    const named = bad.body.details.join('\n');
    for (const field of ['service', 'feature', 'startsAt', 'announceAhead.0']) assert.match(named, new RegExp(`^${field.replace('.', '\\.')}:`, 'm'));
    const backwards = await call('POST', '/api/maintenance', { service: 'Talk', feature: 'pc', startsAt: inSeconds(60), endsAt: inSeconds(30) });
    assert.equal(backwards.status, 400);
    assert.deepEqual(backwards.body.details, ['endsAt: must be after startsAt']);
    assert.equal((await call('GET', '/api/maintenance')).body.length, before);
  });

  it('shows upcoming maintenance on the status page and its feed, and in an iCalendar feed that parses back', async () => {
    const startsAt = inSeconds(3600);
    const endsAt = inSeconds(7200);
    const { key } = (await call('POST', '/api/maintenance', { service: 'Talk Six', feature: 'messaging', startsAt, endsAt, announceAhead: ['PT2H'] })).body;
    await waitPosts(t.fakeX, 'Talk Six', 1);
    await waitPosts(fakeJa, 'Talk Six', 1);
    await t.waitFor(async () => (await call('GET', `/api/maintenance/${key}`)).body.tweets.length === 2, 'both roots recorded');
    const page = await (await fetch(`${t.url}/status`)).text();
    assert.match(page, new RegExp(`id="m-${key}"[^]*Talk Six 점검`));
    assert.ok(page.includes(postsOf(t.fakeX, 'Talk Six')[0]!.text.split('\n')[0]!), 'the announcement on the page');
    const feed = await (await fetch(`${t.url}/status/feed.xml`)).text();
    assert.ok(feed.includes(`#m-${key}`), 'an entry for the window in the feed');

    const parse = async (path: string) => {
      const res = await fetch(`${t.url}${path}`);
      assert.match(res.headers.get('content-type') ?? '', /^text\/calendar/);
      return new ICAL.Component(ICAL.parse(await res.text())).getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    };
    const event = (await parse('/status/maintenance.ics')).find((e) => e.uid === `${key}@herald`)!;
    assert.equal(event.summary, 'Talk Six 점검');
    assert.equal(event.startDate.toJSDate().toISOString(), new Date(Math.floor(Date.parse(startsAt) / 1000) * 1000).toISOString());
    assert.equal(event.endDate.toJSDate().toISOString(), new Date(Math.floor(Date.parse(endsAt) / 1000) * 1000).toISOString());
    assert.equal((await parse('/status/ja/maintenance.ics')).find((e) => e.uid === `${key}@herald`)!.summary, 'Talk Sixのメンテナンス');

    await call('POST', `/api/maintenance/${key}/cancel`);
    const cancelled = (await parse('/status/maintenance.ics')).find((e) => e.uid === `${key}@herald`)!;
    assert.equal(cancelled.component.getFirstPropertyValue('status'), 'CANCELLED');
    assert.ok(cancelled.sequence > event.sequence, 'calendar clients see the change');
    assert.ok(!(await (await fetch(`${t.url}/status`)).text()).includes(`id="m-${key}"`), 'no longer shown as upcoming');
    await waitPosts(t.fakeX, 'Talk Six', 2);
  });

  it('schedules, lists and cancels a window from the command line', async () => {
    const cli = async (...args: string[]) => {
      let out = '';
      let err = '';
      const code = await main(['maintenance', ...args, '--url', t.url], { out: (x) => void (out += x), err: (x) => void (err += x), env: { HERALD_API_TOKEN: API_TOKEN }, cwd: process.cwd() });
      return { code, out, err };
    };
    const made = await cli('schedule', '--service', 'Talk Cli', '--feature', 'signup', '--starts', inSeconds(3600), '--ends', inSeconds(5400), '--ahead', 'none');
    assert.equal(made.code, 0, made.err);
    const key = made.out.split(' ')[0]!;
    assert.match((await cli('list')).out, new RegExp(`${key}  scheduled  Talk Cli \\(sign-up\\)`));
    assert.match((await cli('cancel', key)).out, /cancelled/);
    const refused = await cli('schedule', '--service', 'Talk Cli', '--feature', 'signup', '--starts', 'soon', '--ends', inSeconds(60));
    assert.equal(refused.code, 1);
    assert.match(refused.err, /herald refused \(400, HERALD_INVALID_PAYLOAD\)[^]*> - startsAt:/);
  });

  it('refuses scheduling without the API token or a session', async () => {
    const res = await fetch(`${t.url}/api/maintenance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(res.status, 401);
  });
});
