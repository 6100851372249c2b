import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import { startHerald, type Herald, type Role } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { startFakeX, type FakeX } from './fake-x.ts';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const TOKEN = 'test-webhook-token';
/** HERALD_API_TOKEN: what opens /api (the webhook token opens only its webhook). */
export const API_TOKEN = 'test-api-token';

export interface TestHerald {
  herald: Herald;
  config: Readonly<Config>;
  fakeX: FakeX;
  url: string;
  redis: Redis;
  /** POSTs JSON (or a raw string) to a webhook route with the webhook token unless headers say otherwise. */
  send(body: unknown, options?: { path?: string; headers?: Record<string, string> }): Promise<{ status: number; body: any }>;
  /** GETs with the API token unless headers say otherwise. */
  get(path: string, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  /** Jobs waiting, delayed or running in the events queue. */
  queuedEvents(): Promise<number>;
  waitFor<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

/**
 * A real herald (Redis, BullMQ, HTTP) in this process, posting through twitter-api-v2 to a fake X
 * over real HTTP, with its own Redis prefix so test files never see each other's data.
 */
export async function startTestHerald(
  env: Record<string, string> = {},
  options: { role?: Role; fakeX?: FakeX; logger?: Logger; retentionIntervalMs?: number } = {},
): Promise<TestHerald> {
  const fakeX = options.fakeX ?? (await startFakeX());
  const prefix = `herald-test-${randomUUID().slice(0, 8)}`;
  const config = loadConfig({
    PORT: '0',
    REDIS_URL,
    HERALD_REDIS_PREFIX: prefix,
    X_APP_KEY: 'app-key',
    X_APP_SECRET: 'app-secret',
    X_ACCESS_TOKEN: 'access-token',
    X_ACCESS_SECRET: 'access-secret',
    X_API_BASE_URL: fakeX.url,
    X_TIMEOUT_MS: '2000',
    WEBHOOK_TOKEN: TOKEN,
    HERALD_API_TOKEN: API_TOKEN,
    HERALD_GRACE_SECONDS: '0',
    // Short recovery timings keep the suite fast; production defaults are in .env.example.
    HERALD_X_SETTLE_SECONDS: '0.2',
    HERALD_JOB_LOCK_SECONDS: '5',
    // event() stamps a fixed day in 2026 so texts are predictable; tests of the bound set their own.
    HERALD_EVENT_MAX_AGE_DAYS: '36500',
    // A test file opens dozens of incidents a minute from one source; test/flood.test.ts sets the real cap.
    HERALD_FLOOD_NEW_INCIDENTS_PER_MINUTE: '100000',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // Its own data volume (the life marker, a dry run's outbox): a test that restarts herald on it passes it on.
    HERALD_DATA_DIR: mkdtempSync(join(testDataRoot(), 'data-')),
    ...env,
  });
  const logger = options.logger ?? pino({ level: config.logLevel });
  const herald = await startHerald(config, { role: options.role ?? 'all', logger, sweepIntervalMs: 1000, retentionIntervalMs: options.retentionIntervalMs });
  const redis = new Redis(REDIS_URL);
  const url = herald.url!;

  async function request(method: string, path: string, body: unknown, headers: Record<string, string>) {
    const res = await fetch(url + path, {
      method,
      headers: { authorization: `Bearer ${path.startsWith('/webhooks/') ? TOKEN : API_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  return {
    herald,
    config,
    fakeX,
    url,
    redis,
    send: (body, o = {}) => request('POST', o.path ?? '/webhooks/generic', body, o.headers ?? {}),
    get: (path, headers = {}) => request('GET', path, undefined, headers),
    async queuedEvents() {
      const counts = await herald.queues.events.getJobCounts('wait', 'delayed', 'active', 'completed', 'failed', 'prioritized');
      return Object.values(counts).reduce((a, b) => a + b, 0);
    },
    async waitFor(probe, what, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = await probe();
        if (value !== undefined && value !== false) return value as never;
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async close() {
      await herald.close();
      if (!options.fakeX) await fakeX.close();
      await deletePrefix(redis, prefix);
      redis.disconnect();
    },
  };
}

/** The environment of a herald process (helpers/herald-process.ts) that shares `t`'s Redis prefix and fake X. */
export function processEnv(t: TestHerald, extra: Record<string, string> = {}): Record<string, string> {
  return {
    REDIS_URL,
    HERALD_REDIS_PREFIX: t.config.redisPrefix,
    HERALD_DATA_DIR: t.config.dataDir,
    X_APP_KEY: 'app-key',
    X_APP_SECRET: 'app-secret',
    X_ACCESS_TOKEN: 'access-token',
    X_ACCESS_SECRET: 'access-secret',
    X_API_BASE_URL: t.fakeX.url,
    HERALD_GRACE_SECONDS: '0',
    LOG_LEVEL: 'info',
    // A worker answers health checks on PORT: each process on a free port of its own.
    PORT: '0',
    // As startTestHerald: event() is dated on a fixed day, which the worker's bounds on queued
    // events (src/incidents/event-times.ts) must not refuse as implausibly old.
    HERALD_EVENT_MAX_AGE_DAYS: '36500',
    HERALD_FLOOD_NEW_INCIDENTS_PER_MINUTE: '100000',
    ...extra,
  };
}

export const event = (overrides: Record<string, unknown> = {}) => ({
  key: `talk-messaging-${randomUUID().slice(0, 8)}`,
  status: 'open',
  service: 'KakaoTalk',
  feature: 'messaging',
  severity: 'major',
  at: '2026-05-20T00:00:00+09:00',
  ...overrides,
});

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves once neither queue has work left: events applied, posts delivered or given up. */
export async function settled(t: TestHerald, timeoutMs = 15_000): Promise<void> {
  await t.waitFor(
    async () => {
      const [events, posts] = await Promise.all([
        t.herald.queues.events.getJobCounts('wait', 'active', 'delayed', 'prioritized'),
        t.herald.queues.posts.getJobCounts('wait', 'active', 'delayed', 'prioritized'),
      ]);
      return Object.values(events).every((n) => n === 0) && Object.values(posts).every((n) => n === 0);
    },
    'the queues to drain',
    timeoutMs,
  );
}

let dataRoot: string | undefined;
/**
 * One folder per test process for every test herald's data volume, removed when the process exits:
 * a herald restarted on the same volume (test/redis-empty-start.test.ts) needs it after close().
 */
function testDataRoot(): string {
  if (dataRoot === undefined) {
    const root = mkdtempSync(join(tmpdir(), 'herald-test-data-'));
    process.once('exit', () => rmSync(root, { recursive: true, force: true }));
    dataRoot = root;
  }
  return dataRoot;
}

/** Removes every key a test herald wrote under its prefix. */
export async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}
