/**
 * Storm: 10,000 alerts for one outage, as fast as they come. herald (`--role all`, its own process,
 * grace 0) must take them all, fold them into one incident and say exactly one thing, then one reply
 * once it is resolved. The baseline is the bare route with a worker that completes each job at once.
 */
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { startFakeX } from '../test/helpers/fake-x.ts';
import { BenchFailure, type Bench, type Figures } from './lib/bench.ts';
import { assertAllOk, postJson, runLoad } from './lib/load.ts';
import { benchPrefix, connectRedis, deletePrefix, prefixMemory, usedMemory } from './lib/redis.ts';
import { startAll, startBaseline, startHeraldService, type Service } from './lib/service.ts';
import { MiB, ratio, round, sleep, until } from './lib/stats.ts';
import { STORM_SCENARIOS, type StormScenario } from './targets.ts';

/** Resolves once the queue has nothing waiting or running; returns when that was first seen. */
async function drained(redis: Redis, prefix: string, name: string, timeoutMs: number): Promise<number> {
  const queue = new Queue(name, { connection: redis, prefix });
  try {
    await until(async () => {
      const counts = await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'waiting-children');
      return Object.values(counts).every((n) => n === 0);
    }, `the ${name} queue to drain`, timeoutMs, 10);
    return performance.now();
  } finally {
    await queue.close();
  }
}

async function flood(service: Service, scenario: StormScenario, key: string, alerts: number, connections: number) {
  const webhooks = Math.ceil(alerts / scenario.alertsPerWebhook);
  const result = await runLoad({ url: service.url + scenario.route, headers: scenario.headers, body: (i) => scenario.alert(i, key), connections, amount: webhooks });
  assertAllOk(`${service.name} storm`, result);
  return result;
}

export const storm: Bench = {
  name: 'storm',
  what: '10,000 alerts for one outage: ingest rate, time to fold them, peak RSS, Redis memory, tweets out',
  async run(ctx) {
    const alerts = ctx.quick ? 200 : 10_000;
    const drainLimitMs = ctx.quick ? 15_000 : 60_000;
    const prefix = benchPrefix('storm');
    const basePrefix = `${prefix}-baseline`;
    const redis = connectRedis(ctx.redisUrl);
    const fakeX = await startFakeX();
    let services: Service[] = [];
    try {
      services = await startAll([
        startBaseline({ redisUrl: ctx.redisUrl, prefix: basePrefix, work: 'noop', inProcess: ctx.inProcess }),
        startHeraldService({ role: 'all', redisUrl: ctx.redisUrl, prefix, xUrl: fakeX.url, graceSeconds: 0, cpuProfDir: ctx.cpuProfDir, inProcess: ctx.inProcess, built: ctx.built }),
      ]);
      const [baseline, herald] = services as [Service, Service];
      const figures: Figures = { alerts, connections: ctx.connections };
      for (const scenario of STORM_SCENARIOS) {
        const key = `storm-${randomUUID().slice(0, 8)}`;
        fakeX.reset();

        const baseCpu = baseline.cpuSeconds();
        const baseStart = performance.now();
        const base = await flood(baseline, scenario, key, alerts, ctx.connections);
        const baseDrainS = ((await drained(redis, basePrefix, 'baseline', drainLimitMs)) - baseStart) / 1000;
        const baseCpuS = baseline.cpuSeconds() - baseCpu;

        const memoryBefore = await usedMemory(redis);
        const cpu = herald.cpuSeconds();
        const started = performance.now();
        const ours = await flood(herald, scenario, key, alerts, ctx.connections);
        const drainS = ((await drained(redis, prefix, 'events', drainLimitMs)) - started) / 1000;
        const cpuS = herald.cpuSeconds() - cpu;
        const tweetsDuringStorm = fakeX.posts.length;

        const res = await postJson(herald.url + scenario.route, scenario.headers, scenario.resolve(key));
        if (res.status !== 202) throw new Error(`the resolve was answered ${res.status}: ${res.text}`);
        await fakeX.waitForPosts(2, 15_000).catch(() => undefined);
        await drained(redis, prefix, 'events', drainLimitMs);
        await drained(redis, prefix, 'posts', drainLimitMs);
        await sleep(ctx.quick ? 100 : 500); // anything else that was going to be posted would be by now
        const memoryAfter = await usedMemory(redis);
        const stored = await prefixMemory(redis, prefix);

        const posts = [...fakeX.posts];
        const replies = posts.filter((p) => p.inReplyTo !== undefined);
        const asExpected = posts.length === 2 && replies.length === 1 && replies[0]!.inReplyTo === posts[0]!.id && tweetsDuringStorm === 1;
        const s = scenario.name;
        Object.assign(figures, {
          [`${s} ingest alerts/s`]: Math.round(ours.perSecond * scenario.alertsPerWebhook),
          [`${s} ingest seconds`]: round(ours.seconds, 2),
          [`${s} all applied after s`]: round(drainS, 2),
          [`${s} p99 answer ms`]: round(ours.p99Ms, 1),
          [`${s} herald CPU µs per alert, taken and applied`]: Math.round((cpuS * 1e6) / alerts),
          [`${s} herald peak RSS MiB`]: MiB(herald.peakRssBytes()),
          [`${s} redis used_memory delta MiB`]: MiB(memoryAfter - memoryBefore),
          [`${s} redis bytes under herald's prefix`]: stored.bytes,
          [`${s} redis bytes per alert`]: Math.round(stored.bytes / alerts),
          [`${s} tweets during the storm`]: tweetsDuringStorm,
          [`${s} tweets after the resolve`]: posts.length,
          [`${s} replies`]: replies.length,
          [`${s} one tweet plus one reply`]: asExpected,
          'baseline ingest alerts/s': Math.round(base.perSecond),
          'baseline all applied after s': round(baseDrainS, 2),
          'baseline CPU µs per alert, taken and completed': Math.round((baseCpuS * 1e6) / alerts),
          'baseline peak RSS MiB': MiB(baseline.peakRssBytes()),
          [`${s} ingest rate / baseline`]: ratio(ours.perSecond, base.perSecond),
          [`${s} time to apply / baseline`]: ratio(drainS, baseDrainS),
          [`${s} CPU per alert / baseline`]: ratio(cpuS, baseCpuS),
          [`${s} peak RSS / baseline`]: ratio(herald.peakRssBytes(), baseline.peakRssBytes()),
        });
        if (!asExpected) {
          const seen = posts.map((p) => `${p.id}${p.inReplyTo ? ` reply to ${p.inReplyTo}` : ''}: ${p.text}`).join('\n    ');
          throw new BenchFailure(`the storm should make one tweet and one reply; it made ${posts.length}:\n    ${seen}`, figures);
        }
      }
      return figures;
    } finally {
      await Promise.all(services.map((s) => s.stop()));
      await fakeX.close();
      await deletePrefix(redis, prefix);
      await deletePrefix(redis, basePrefix);
      redis.disconnect();
    }
  },
};
