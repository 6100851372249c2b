/**
 * Figures for docs/security.md: what an abusive sender costs herald. Starts herald as a real
 * process (its own Redis prefix on the shared Redis) and measures:
 *   - one Alertmanager payload of N public alerts: answer, time, and the slowest /healthz meanwhile;
 *   - slow bodies: S sockets each sending a byte every few seconds: how long herald keeps them.
 * Run: node --import tsx bench/abuse.ts [alerts=50000] [sockets=250] [capSeconds=90]
 */
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { Redis } from 'ioredis';
import { deletePrefix, REDIS_URL } from '../test/helpers/herald.ts';
import { spawnHerald } from '../test/helpers/herald-process.ts';

const [alerts = 50_000, sockets = 250, capSeconds = 90] = process.argv.slice(2).map(Number);
const prefix = `herald-abuse-${randomUUID().slice(0, 8)}`;
const TOKEN = 'abuse-token';

export function alertmanagerPayload(count: number, service = 'KakaoTalk') {
  const startsAt = new Date(Date.now() - 60_000).toISOString();
  return {
    version: '4',
    status: 'firing',
    receiver: 'herald',
    groupKey: '{}:{alertname="Flood"}',
    alerts: Array.from({ length: count }, (_, i) => ({
      status: 'firing',
      labels: { public: 'true', service, feature: 'messaging', severity: 'major', i: String(i) },
      startsAt,
    })),
  };
}

async function healthzWorstMs(url: string, during: Promise<unknown>): Promise<number> {
  let worst = 0;
  let done = false;
  void during.finally(() => (done = true));
  while (!done) {
    const started = performance.now();
    await fetch(`${url}/healthz`).then((r) => r.text());
    worst = Math.max(worst, performance.now() - started);
    await new Promise((r) => setTimeout(r, 20));
  }
  return worst;
}

async function bigPayload(url: string) {
  const body = JSON.stringify(alertmanagerPayload(alerts));
  const started = performance.now();
  const sending = fetch(`${url}/webhooks/alertmanager`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body }).then(async (r) => ({ status: r.status, text: (await r.text()).slice(0, 160) }));
  const worst = await healthzWorstMs(url, sending.catch(() => undefined));
  const answer = await sending.catch((err: Error) => ({ status: 0, text: `${err.message}: ${String((err as { cause?: unknown }).cause)}` }));
  return { alerts, bytes: body.length, status: answer.status, answer: answer.text, ms: Math.round(performance.now() - started), healthzWorstMs: Math.round(worst) };
}

/** Opens `sockets` connections that trickle a body one byte every 2 s; resolves with how long herald kept them (capped). */
async function slowBodies(url: string) {
  const { hostname, port } = new URL(url);
  const started = performance.now();
  const lifetimes = await Promise.all(
    Array.from(
      { length: sockets },
      () =>
        new Promise<number>((resolve) => {
          const socket = connect(Number(port), hostname);
          let timer: NodeJS.Timeout | undefined;
          const finish = () => {
            clearInterval(timer);
            socket.destroy();
            resolve((performance.now() - started) / 1000);
          };
          socket.on('connect', () => {
            socket.write(`POST /webhooks/generic HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n`);
            timer = setInterval(() => socket.write('{'), 2000);
          });
          socket.on('close', finish);
          socket.on('error', finish);
          setTimeout(finish, capSeconds * 1000).unref();
        }),
    ),
  );
  lifetimes.sort((a, b) => a - b);
  return { sockets, capSeconds, firstClosedS: +lifetimes[0]!.toFixed(1), lastClosedS: +lifetimes[lifetimes.length - 1]!.toFixed(1) };
}

const herald = spawnHerald('all', { PORT: '0', REDIS_URL, HERALD_REDIS_PREFIX: prefix, WEBHOOK_TOKEN: TOKEN, ALERTMANAGER_TOKEN: TOKEN, HERALD_GRACE_SECONDS: '3600', HERALD_DATA_DIR: `/tmp/${prefix}`, LOG_LEVEL: 'info' });
try {
  const url = (await herald.waitForLine((l) => l.msg === 'herald is running', 60_000)).url as string;
  const rssBefore = await rss(herald.pid);
  const big = await bigPayload(url);
  console.log(JSON.stringify({ bigPayload: { ...big, rssBeforeMB: rssBefore, rssAfterMB: await rss(herald.pid) } }));
  if (sockets > 0) console.log(JSON.stringify({ slowBodies: await slowBodies(url) }));
} catch (err) {
  console.log('failed', err, herald.lines.slice(-5));
} finally {
  herald.kill('SIGKILL');
  await herald.exited;
  const redis = new Redis(REDIS_URL);
  await deletePrefix(redis, prefix);
  redis.disconnect();
}

async function rss(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
}
