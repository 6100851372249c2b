/**
 * A Redis failover under load, for the failover tests: herald (an API and two workers, in this
 * process) announces a batch of incidents and resolves each once it is applied, while the Redis
 * master is killed the moment X has taken a chosen number of tweets. Then it waits for every
 * incident to settle and judges X and herald's records with the fault harness's verdict.
 */
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { judge, type RecordedIncident, type Verdict } from '../../scripts/harness/verdict.ts';
import { startHerald, type Herald } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { startFakeX, type FakePost } from './fake-x.ts';

const TOKEN = 'failover-token';
/** HERALD_API_TOKEN: the webhook token opens only its webhook. */
const API_TOKEN = 'failover-api-token';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface FailoverScenario {
  /** Where Redis is (REDIS_SENTINELS..., or REDIS_CLUSTER_NODES...), plus any other settings. */
  env: Record<string, string>;
  incidents: number;
  /** The master dies right after X takes this many tweets. */
  killAfterPosts: number;
  /** ...and this much later (default 0): a moment after, herald has recorded that tweet. */
  killDelayMs?: number;
  kill(): Promise<unknown>;
  /** Resolves once a new master serves herald's keys. */
  promoted(): Promise<unknown>;
  /** How long after the promotion every incident must have settled. */
  settleMs?: number;
}

export interface FailoverResult {
  verdict: Verdict;
  posts: FakePost[];
  /** From the kill to the first tweet X took after it. */
  killToNextPostMs: number | undefined;
  /** From the kill to the new master answering. */
  killToPromotionMs: number;
  /** From the promotion to the last tweet. */
  promotionToSettledMs: number;
  /** Webhooks herald refused (503) while no master was reachable; the sender retried them. */
  refusedWebhooks: number;
  /** `/readyz` answers seen from the kill on, in order, repeats folded: e.g. [200, 503, 200]. */
  readiness: number[];
}

const serviceOf = (i: number) => `Failover Test ${String(i).padStart(4, '0')}`;

export async function runFailover(scenario: FailoverScenario): Promise<FailoverResult> {
  const fakeX = await startFakeX();
  const run = randomUUID().slice(0, 6);
  const keyOf = (i: number) => `failover-${run}-${i}`;
  const incidentOf = (text: string) => {
    const n = /Failover Test (\d{4})/.exec(text)?.[1];
    return n === undefined ? undefined : keyOf(Number(n));
  };
  const config = loadConfig({
    PORT: '0',
    HERALD_REDIS_PREFIX: `{failover-${run}}`,
    X_APP_KEY: 'app-key',
    X_APP_SECRET: 'app-secret',
    X_ACCESS_TOKEN: 'access-token',
    X_ACCESS_SECRET: 'access-secret',
    X_API_BASE_URL: fakeX.url,
    X_TIMEOUT_MS: '2000',
    WEBHOOK_TOKEN: TOKEN,
    HERALD_API_TOKEN: API_TOKEN,
    HERALD_LOCALE: 'en',
    HERALD_GRACE_SECONDS: '0',
    HERALD_X_BUDGET_15MIN: '5000',
    HERALD_X_BUDGET_24H: '50000',
    HERALD_X_SETTLE_SECONDS: '0.5',
    HERALD_JOB_LOCK_SECONDS: '3',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...scenario.env,
  });
  const logger = pino({ level: config.logLevel });
  const started: Herald[] = [];
  let refusedWebhooks = 0;
  let killedAt = 0;
  let killing: Promise<unknown> | undefined;
  const off = fakeX.onPost(() => {
    if (fakeX.posts.length !== scenario.killAfterPosts) return;
    killing = sleep(scenario.killDelayMs ?? 0).then(() => {
      killedAt = Date.now();
      return scenario.kill();
    });
  });
  try {
    for (const role of ['worker', 'worker', 'api'] as const) started.push(await startHerald(config, { role, logger: logger.child({ role }), sweepIntervalMs: 1000 }));
    const base = started[2]!.url!;
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(base + path, {
        method,
        headers: { authorization: `Bearer ${path.startsWith('/webhooks/') ? TOKEN : API_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(5000),
      }).catch(() => undefined);
      if (!res) return { status: 0, body: undefined };
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    };
    // A lost incident must fail the test with a verdict, not hang it: the senders give up in time.
    const giveUpAt = Date.now() + 30_000 + (scenario.settleMs ?? 60_000);
    const inTime = () => Date.now() < giveUpAt;
    /** As a monitoring system does: again until herald says 202. */
    const deliver = async (event: Record<string, unknown>) => {
      while (inTime() && (await call('POST', '/webhooks/generic', event)).status !== 202) {
        refusedWebhooks++;
        await sleep(250);
      }
    };
    const incident = async (i: number) => {
      await sleep(i * 150);
      const e = { key: keyOf(i), service: serviceOf(i), feature: 'messaging', severity: 'major' };
      await deliver({ ...e, status: 'open' });
      // Resolved once its root is out, so every resolution is a reply in a thread that exists.
      while (inTime() && !fakeX.posts.some((p) => incidentOf(p.text) === keyOf(i))) await sleep(100);
      await deliver({ ...e, status: 'resolved' });
    };
    const all = Promise.all(Array.from({ length: scenario.incidents }, (_, i) => incident(i)));
    while (!killing) await sleep(20);
    const readiness: number[] = [];
    let watching = true;
    const watch = (async () => {
      while (watching) {
        const { status } = await call('GET', '/readyz');
        if (readiness.at(-1) !== status) readiness.push(status);
        await sleep(100);
      }
    })();
    await killing;
    await scenario.promoted();
    const promotedAt = Date.now();
    await all;

    const keys = Array.from({ length: scenario.incidents }, (_, i) => keyOf(i));
    const records = async () => {
      const map = new Map<string, RecordedIncident | undefined>();
      for (const key of keys) {
        const res = await call('GET', `/api/incidents/${encodeURIComponent(key)}`);
        map.set(key, res.status === 200 ? res.body : undefined);
      }
      return map;
    };
    const deadline = promotedAt + (scenario.settleMs ?? 60_000);
    let recorded = await records();
    const done = (r: Map<string, RecordedIncident | undefined>) => fakeX.posts.length >= 2 * keys.length && [...r.values()].every((x) => x?.tweets.length === 2);
    while (!done(recorded) && Date.now() < deadline) {
      await sleep(500);
      recorded = await records();
    }
    watching = false;
    await watch;
    const next = fakeX.posts.find((p) => p.at.getTime() > killedAt);
    const last = fakeX.posts.at(-1);
    return {
      verdict: judge(keys, fakeX.posts, recorded, incidentOf),
      posts: [...fakeX.posts],
      killToNextPostMs: next ? next.at.getTime() - killedAt : undefined,
      killToPromotionMs: promotedAt - killedAt,
      promotionToSettledMs: (last?.at.getTime() ?? promotedAt) - promotedAt,
      refusedWebhooks,
      readiness,
    };
  } finally {
    off();
    for (const herald of started.reverse()) await Promise.race([herald.close(), sleep(10_000)]);
    await fakeX.close();
  }
}
