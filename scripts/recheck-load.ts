/**
 * Redis operations per second while thousands of resolutions wait for announcements the budget
 * holds back (docs/faults.md, "Thousands of open incidents"). Starts a private redis-server, the fake
 * X and one herald process (`--role all`, production timings), opens `--open` major outages in one
 * Alertmanager notification under the default budget, resolves every one that was not announced,
 * then samples Redis's `total_commands_processed` every second for `--seconds`.
 *
 *   node --import tsx scripts/recheck-load.ts --open 5000 --seconds 360
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { spawnHerald } from '../test/helpers/herald-process.ts';
import { startFakeX } from '../test/helpers/fake-x.ts';
import { freePorts, startRedisServer } from '../test/helpers/redis-servers.ts';

const { values: args } = parseArgs({ options: { open: { type: 'string', default: '5000' }, seconds: { type: 'string', default: '360' }, idle: { type: 'string', default: '60' } } });
const IDLE = Number(args.idle);
const OPEN = Number(args.open);
const SECONDS = Number(args.seconds);
const TOKEN = 'recheck-token';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const redis = await startRedisServer(['--appendonly', 'no']);
process.stderr.write(`redis at ${redis.url}\n`);
const fakeX = await startFakeX();
const [port] = await freePorts(1);
const dir = mkdtempSync(join(tmpdir(), 'herald-recheck-'));
const herald = spawnHerald('all', {
  PORT: String(port),
  REDIS_URL: redis.url,
  HERALD_REDIS_PREFIX: 'recheck',
  HERALD_DATA_DIR: join(dir, 'data'),
  X_APP_KEY: 'k', X_APP_SECRET: 's', X_ACCESS_TOKEN: 't', X_ACCESS_SECRET: 'a',
  X_API_BASE_URL: fakeX.url,
  ALERTMANAGER_TOKEN: TOKEN,
  HERALD_GRACE_SECONDS: '0',
  LOG_LEVEL: 'error',
  // The flood gate (20 new incidents a minute by default) would keep all but a few from the public;
  // this load is about thousands of incidents open at once.
  HERALD_FLOOD_NEW_INCIDENTS_PER_MINUTE: String(OPEN),
}, { logFile: join(dir, 'herald.log') });
const admin = new Redis(redis.url);
const base = `http://127.0.0.1:${port}`;

async function notify(services: readonly number[], status: 'firing' | 'resolved', at: string): Promise<void> {
  const alerts = services.map((i) => ({
    status,
    labels: { alertname: 'Down', public: 'true', service: `Service ${i}`, feature: 'messaging', severity: 'major' },
    startsAt: at,
    ...(status === 'resolved' && { endsAt: new Date().toISOString() }),
  }));
  const res = await fetch(`${base}/webhooks/alertmanager`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ version: '4', status, receiver: 'herald', alerts }) });
  if (res.status !== 202) throw new Error(`alertmanager webhook answered ${res.status}: ${await res.text()}`);
}

const commands = async () => Number(/total_commands_processed:(\d+)/.exec(await admin.info('stats'))![1]);

/** Calls per command name so far (`INFO commandstats`). */
async function commandCalls(): Promise<Map<string, number>> {
  const calls = new Map<string, number>();
  for (const m of (await admin.info('commandstats')).matchAll(/cmdstat_([^:]+):calls=(\d+)/g)) calls.set(m[1]!, Number(m[2]));
  return calls;
}

/** The commands called most between two `commandCalls`, busiest first. */
function busiest(before: Map<string, number>, after: Map<string, number>, top = 8): Record<string, number> {
  const delta = [...after].map(([name, n]) => [name, n - (before.get(name) ?? 0)] as const).filter(([, n]) => n > 0);
  return Object.fromEntries(delta.sort((a, b) => b[1] - a[1]).slice(0, top));
}

/** Ops per second over `seconds`: average, the busiest second, and how many seconds passed 1,000. */
async function sample(seconds: number) {
  const perSecond: number[] = [];
  let last = await commands();
  for (let s = 0; s < seconds; s++) {
    await sleep(1000);
    const now = await commands();
    perSecond.push(now - last - 1); // the INFO call itself
    last = now;
  }
  const total = perSecond.reduce((a, b) => a + b, 0);
  return { total, average: Math.round(total / seconds), peak: Math.max(...perSecond), over1000: perSecond.filter((n) => n > 1000).length };
}

try {
  for (let i = 0; ; i++) {
    if ((await fetch(`${base}/healthz`).catch(() => undefined))?.ok) break;
    if (i > 300) throw new Error('herald did not start');
    await sleep(100);
  }
  const all = Array.from({ length: OPEN }, (_, i) => i);
  const at = new Date().toISOString();
  await notify(all, 'firing', at);
  // Announcements go out, the rest park until the window frees.
  let seen = -1;
  while (seen !== fakeX.posts.length) {
    seen = fakeX.posts.length;
    await sleep(5000);
  }
  const announced = new Set(all.filter((i) => fakeX.posts.some((p) => new RegExp(`Service ${i}\\b`).test(p.text))));
  const c0 = await commandCalls();
  const idle = await sample(IDLE);
  const c1 = await commandCalls();
  const waiting = all.filter((i) => !announced.has(i));
  await notify(waiting, 'resolved', at);
  const busy = await sample(SECONDS);
  const c2 = await commandCalls();
  console.log(JSON.stringify({ open: OPEN, announced: announced.size, resolvedUnannounced: waiting.length, idle: { seconds: IDLE, ...idle, busiest: busiest(c0, c1) }, afterResolves: { seconds: SECONDS, ...busy, busiest: busiest(c1, c2) } }));
} finally {
  herald.kill('SIGTERM');
  await herald.exited;
  admin.disconnect();
  await redis.stop();
  await fakeX.close();
}
