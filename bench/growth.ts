/**
 * Growth: Redis memory per resolved incident, and how retention keeps it bounded. 100,000
 * outages, each announced and resolved with a threaded reply (the incident rules and delivery
 * rules applied as herald applies them, the texts composed from the real catalog), are written
 * through the incident store at full speed on a simulated clock spanning 120 days: once with
 * nothing removing them, once with the retention pass herald runs (30 days). Then the other thing
 * that stays in Redis per event: completed jobs of the events queue, bounded by their count.
 */
import { randomUUID } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { pino } from 'pino';
import { incidentComposer } from '../src/compose/for-incident.ts';
import { claimPost, recordPosted, type Draft } from '../src/incidents/delivery-rules.ts';
import type { AlertEvent, Incident } from '../src/incidents/model.ts';
import { RedisIncidentStore } from '../src/incidents/adapters/redis-store.ts';
import { expireOldIncidents } from '../src/incidents/adapters/retention.ts';
import { applyEvent } from '../src/incidents/rules.ts';
import { EVENT_JOB_OPTIONS, EVENTS_QUEUE, eventJobId } from '../src/queues.ts';
import type { Bench, Figures } from './lib/bench.ts';
import { benchPrefix, connectRedis, deletePrefix, prefixMemory, usedMemory } from './lib/redis.ts';
import { MiB, round, until } from './lib/stats.ts';

const DAY = 24 * 3600 * 1000;
const SIMULATED_DAYS = 120;
const RETENTION_DAYS = 30;
const RULES = { graceMs: 120_000, reopenWindowMs: 3_600_000 };
const START = Date.parse('2026-01-01T00:00:00Z');

/** The record of one outage that was announced and, 40 minutes later, resolved with a reply. */
function resolvedIncident(i: number, atMs: number, texts: Draft[]): Incident {
  const event = (status: AlertEvent['status'], ms: number): AlertEvent => {
    const at = new Date(ms).toISOString();
    return { key: `outage-${i}`, status, service: 'KakaoTalk', feature: 'messaging', severity: 'major', at, source: 'generic', receivedAt: at };
  };
  const compose = () => texts[i % texts.length]!;
  let incident = applyEvent(null, event('open', atMs), RULES).incident;
  incident = claimPost(incident, 'open-1', atMs + RULES.graceMs, compose).incident!;
  incident = recordPosted(incident, 'open-1', { id: String(1e18 + 2 * i), postedAt: new Date(atMs + RULES.graceMs).toISOString() })!;
  incident = applyEvent(incident, event('resolved', atMs + 40 * 60_000), RULES).incident;
  incident = claimPost(incident, 'resolved-1', atMs + 40 * 60_000, compose).incident!;
  return recordPosted(incident, 'resolved-1', { id: String(1e18 + 2 * i + 1), postedAt: new Date(atMs + 41 * 60_000).toISOString() })!;
}

/** Real texts (Korean, as in production) for a spread of incidents, reused round-robin. */
function sampleTexts(): Draft[] {
  const compose = incidentComposer({ messagesDir: 'messages', locale: 'ko', timezone: 'Asia/Seoul', statusUrl: undefined });
  const texts: Draft[] = [];
  for (let i = 0; i < 50; i++) {
    const at = START + i * 7_777_777;
    const incident = resolvedIncident(i, at, [{ text: '', variant: 0 }]);
    for (const post of incident.posts) texts.push(compose(incident, post));
  }
  return texts;
}

interface Phase {
  kept: number;
  bytes: number;
  expired: number;
  /** [incidents written so far, incidents kept, change of the server's used_memory in MiB] */
  curve: [number, number, number][];
}

async function writeIncidents(redisUrl: string, prefix: string, count: number, retention: boolean, texts: Draft[]): Promise<Phase> {
  const redis = connectRedis(redisUrl);
  let simulatedNow = START;
  const store = new RedisIncidentStore(redis, prefix, { now: () => simulatedNow });
  const logger = pino({ level: 'silent' });
  const stepMs = (SIMULATED_DAYS * DAY) / count;
  const perDay = Math.max(1, Math.round(count / SIMULATED_DAYS));
  const checkpoints = new Set(Array.from({ length: 5 }, (_, k) => Math.round(((k + 1) * count) / 5)));
  const curve: Phase['curve'] = [];
  const memoryAtStart = await usedMemory(redis);
  let expired = 0;
  try {
    for (let day = 0; day * perDay < count; day++) {
      const from = day * perDay;
      const to = Math.min(count, from + perDay);
      simulatedNow = START + to * stepMs;
      await Promise.all(
        Array.from({ length: to - from }, (_, n) => {
          const i = from + n;
          const incident = resolvedIncident(i, START + i * stepMs, texts);
          return store.update(incident.key, () => ({ next: incident, result: null }));
        }),
      );
      // herald runs this hourly; once per simulated day is enough to show the bound.
      if (retention) expired += await expireOldIncidents({ store, retentionMs: RETENTION_DAYS * DAY, logger, now: () => simulatedNow, onExpired: () => undefined });
      // The server-wide figure is cheap enough to take as it grows; the exact one is taken at the end.
      if ([...checkpoints].some((c) => c > from && c <= to)) {
        curve.push([to, await redis.zcard(`${prefix}:incidents`), MiB((await usedMemory(redis)) - memoryAtStart)]);
      }
    }
    const { bytes } = await prefixMemory(redis, prefix);
    return { kept: await redis.zcard(`${prefix}:incidents`), bytes, expired, curve };
  } finally {
    await deletePrefix(redis, prefix);
    redis.disconnect();
  }
}

/** Bytes one completed job of the events queue keeps in Redis, as herald's job options keep it. */
async function completedJobBytes(redisUrl: string, prefix: string, jobs: number): Promise<number> {
  const redis = connectRedis(redisUrl);
  const queue = new Queue<AlertEvent>(EVENTS_QUEUE, { connection: redis, prefix, defaultJobOptions: EVENT_JOB_OPTIONS });
  const worker = new Worker<AlertEvent>(EVENTS_QUEUE, async () => ({ state: 'open', scheduled: ['open-1'] }), {
    connection: { url: redisUrl, maxRetriesPerRequest: null },
    prefix,
    concurrency: 50,
  });
  try {
    const run = randomUUID().slice(0, 8);
    const empty = (await prefixMemory(redis, prefix)).bytes;
    const at = new Date(START).toISOString();
    const events: AlertEvent[] = Array.from({ length: jobs }, (_, i) => ({
      key: `growth-${run}-${i}`, status: 'open', service: 'KakaoTalk', feature: 'messaging', severity: 'major', at, source: 'generic', receivedAt: at,
    }));
    await Promise.all(events.map((e) => queue.add(e.status, e, { jobId: eventJobId(e) })));
    await until(async () => (await queue.getCompletedCount()) >= jobs, 'the events to complete', 60_000, 50);
    await worker.close();
    return ((await prefixMemory(redis, prefix)).bytes - empty) / jobs;
  } finally {
    await worker.close();
    await queue.close();
    await deletePrefix(redis, prefix);
    redis.disconnect();
  }
}

export const growth: Bench = {
  name: 'growth',
  what: 'Redis bytes per resolved incident, and how retention bounds them over 100,000 incidents',
  async run(ctx) {
    const count = ctx.quick ? 240 : 100_000;
    const texts = sampleTexts();
    const redis = connectRedis(ctx.redisUrl);
    const before = await usedMemory(redis);
    const started = performance.now();
    const unbounded = await writeIncidents(ctx.redisUrl, benchPrefix('growth'), count, false, texts);
    const writeSeconds = (performance.now() - started) / 1000;
    const bounded = await writeIncidents(ctx.redisUrl, benchPrefix('growth-retention'), count, true, texts);
    const jobBytes = await completedJobBytes(ctx.redisUrl, benchPrefix('growth-jobs'), ctx.quick ? 50 : 5000);
    const after = await usedMemory(redis);
    redis.disconnect();

    const perIncident = unbounded.bytes / unbounded.kept;
    const keptPerDay = count / SIMULATED_DAYS;
    const figures: Figures = {
      incidents: count,
      'simulated days': SIMULATED_DAYS,
      'retention days': RETENTION_DAYS,
      'bytes per resolved incident': Math.round(perIncident),
      'without retention: incidents kept': unbounded.kept,
      'without retention: MiB': MiB(unbounded.bytes),
      'with retention: incidents kept': bounded.kept,
      'with retention: incidents expired': bounded.expired,
      'with retention: MiB': MiB(bounded.bytes),
      'with retention / without': round(bounded.bytes / unbounded.bytes, 2),
      'bound: MiB per 1,000 incidents a day': MiB(perIncident * 1000 * RETENTION_DAYS),
      'kept / (incidents a day × retention days)': round(bounded.kept / (keptPerDay * RETENTION_DAYS), 2),
      'completed event job bytes': Math.round(jobBytes),
      'completed event jobs kept at most': (EVENT_JOB_OPTIONS.removeOnComplete as { count: number }).count,
      'bound: completed event jobs MiB': MiB(jobBytes * (EVENT_JOB_OPTIONS.removeOnComplete as { count: number }).count),
      'incident writes/s (no retention)': Math.round(count / writeSeconds),
      'used_memory after - before MiB': MiB(after - before),
    };
    for (const [name, phase] of [['without retention', unbounded], ['with retention', bounded]] as const) {
      figures[`${name}: written → kept (used_memory +MiB)`] = phase.curve.map(([w, k, m]) => `${w}→${k} (${m})`).join(', ');
    }
    return figures;
  },
};
