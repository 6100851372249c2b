import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, afterEach, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { LifeMarker } from '../src/ops/life-marker.ts';
import { startFakeX, type FakeX } from './helpers/fake-x.ts';
import { event, sleep, startTestHerald, type TestHerald } from './helpers/herald.ts';
import { startRedisServer, type RedisServer } from './helpers/redis-servers.ts';

/**
 * Redis and herald restarted together on an empty Redis (this test's own redis-server, never the
 * shared one): herald must not take it for a first start when it ran before, whether its life
 * marker on the data volume says so or, with the volume gone too, the account's own recent posts do.
 */
let server: RedisServer;
before(async () => {
  server = await startRedisServer(['--appendonly', 'no']);
});
after(async () => server.stop());

const dataDir = () => mkdtempSync(join(tmpdir(), 'herald-empty-start-'));

describe('an empty Redis at start', () => {
  let t: TestHerald | undefined;
  let fakeX: FakeX;
  const lines: { level: number; msg: string; account?: string }[] = [];
  const logger = () =>
    pino({ level: 'info' }, new Writable({
      write(chunk, _enc, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    }));
  afterEach(async () => {
    await t?.close();
    t = undefined;
    await fakeX?.close();
  });

  /** Two outages announced by a herald on `dir`, then herald and Redis stopped, Redis started empty. */
  async function announcedThenBothRestarted(env: Record<string, string>) {
    fakeX = await startFakeX();
    t = await startTestHerald(env, { fakeX });
    const [a, b] = [event({ service: 'Empty Start A' }), event({ service: 'Empty Start B' })];
    await t.send(a);
    await t.send(b);
    await fakeX.waitForPosts(2, 15_000);
    await t.close();
    t = undefined;
    await server.restartEmpty();
    return [a, b] as const;
  }

  async function heldAndNoSecondRoot(events: readonly ReturnType<typeof event>[]) {
    const health = await t!.get('/healthz/x', { authorization: '' });
    assert.equal(health.status, 503);
    assert.equal(health.body.status, 'redis-data-lost');
    const accounts = await t!.get('/healthz/accounts', { authorization: '' });
    assert.equal(accounts.status, 503);
    assert.deepEqual(accounts.body.stopped, ['x']);
    // The monitor re-sends its opens: recorded and planned, never posted while held.
    for (const e of events) assert.equal((await t!.send(e)).status, 202);
    await sleep(2500);
    assert.equal(fakeX.posts.length, 2, 'no second root');
    assert.ok(lines.some((l) => l.level >= 50 && l.account === 'x' && /held until a person resumes/.test(l.msg)), 'an error line says the account is held');
  }

  it('is a loss, held on every account, when herald\'s life marker says it ran before', async () => {
    const env = { REDIS_URL: server.url, HERALD_REDIS_PREFIX: 'empty-start-marker', HERALD_DATA_DIR: dataDir() };
    const events = await announcedThenBothRestarted(env);
    assert.ok(existsSync(new LifeMarker(env.HERALD_DATA_DIR, env.HERALD_REDIS_PREFIX).path), 'the marker is on the data volume');
    const readsBefore = fakeX.requests.byRoute['GET /2/users/:id/tweets'] ?? 0;
    t = await startTestHerald(env, { fakeX, logger: logger() });
    assert.equal(fakeX.requests.byRoute['GET /2/users/:id/tweets'] ?? 0, readsBefore, 'the marker settles it: no read is spent');
    await heldAndNoSecondRoot(events);
  });

  it('is a loss when the data volume is gone too but the account posted recently (one timeline read)', async () => {
    const env = { REDIS_URL: server.url, HERALD_REDIS_PREFIX: 'empty-start-timeline', HERALD_DATA_DIR: dataDir() };
    const events = await announcedThenBothRestarted(env);
    const readsBefore = fakeX.requests.byRoute['GET /2/users/:id/tweets'] ?? 0;
    t = await startTestHerald({ ...env, HERALD_DATA_DIR: dataDir() }, { fakeX, logger: logger() });
    assert.equal(fakeX.requests.byRoute['GET /2/users/:id/tweets'], readsBefore + 1, 'one read of the account\'s own posts');
    await heldAndNoSecondRoot(events);
    assert.match((await t.get('/healthz/x')).body.reason, /posted in the last 30 days/);
  });

  it('is a first start with no marker and no recent posts: it posts as always and leaves a marker', async () => {
    await server.restartEmpty();
    fakeX = await startFakeX();
    const env = { REDIS_URL: server.url, HERALD_REDIS_PREFIX: 'empty-start-first', HERALD_DATA_DIR: dataDir() };
    t = await startTestHerald(env, { fakeX });
    assert.equal((await t.get('/healthz/x')).status, 200);
    await t.send(event({ service: 'First Start' }));
    await fakeX.waitForPosts(1, 15_000);
    const life = await new LifeMarker(env.HERALD_DATA_DIR, env.HERALD_REDIS_PREFIX).read();
    assert.equal(life?.prefix, 'empty-start-first', 'herald leaves a marker of its life on its data volume');
  });

  it('says so in the log and on /healthz when X refuses the read, and holds only on the marker\'s word', async () => {
    await server.restartEmpty();
    fakeX = await startFakeX();
    fakeX.failNextRead('403', '403');
    const env = { REDIS_URL: server.url, HERALD_REDIS_PREFIX: 'empty-start-unread', HERALD_DATA_DIR: dataDir() };
    t = await startTestHerald(env, { fakeX, logger: logger() });
    const health = await t.get('/healthz/x', { authorization: '' });
    assert.equal(health.status, 200, 'no marker: taken for a first start');
    assert.match(health.body.startCheck, /could not be read/);
    assert.match((await t.get('/healthz/accounts', { authorization: '' })).body.accounts.find((a: { account: string }) => a.account === 'x').startCheck, /could not be read/);
    assert.ok(lines.some((l) => l.level >= 50 && l.account === 'x' && /could not be read/.test(l.msg)), 'an error line says the check could not be made');
    await t.send(event({ service: 'Unread Start' }));
    await fakeX.waitForPosts(1, 15_000);
  });
});
