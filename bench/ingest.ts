/**
 * Ingest: webhooks per second into herald (`--role api`, as its own process) over many keep-alive
 * connections, against the bare baseline route doing one `Queue.add` per request on the same Redis.
 * Rounds alternate baseline and herald so a neighbour's burst of CPU hurts both alike. CPU time
 * per webhook (from /proc) is printed too: on a shared machine it moves far less than throughput.
 */
import { randomUUID } from 'node:crypto';
import type { Bench, Figures } from './lib/bench.ts';
import { assertAllOk, runLoad, type LoadResult } from './lib/load.ts';
import { benchPrefix, connectRedis, deletePrefix } from './lib/redis.ts';
import { startAll, startBaseline, startHeraldService, type Service } from './lib/service.ts';
import { median, ratio, round } from './lib/stats.ts';
import { INGEST_TARGETS, type WebhookTarget } from './targets.ts';

type Measured = LoadResult & { cpuMicrosPerRequest: number };

/** A round of load: so many seconds, or (quick runs: autocannon counts time in whole seconds) so many requests. */
type Length = { seconds: number } | { amount: number };

async function load(service: Service, route: string, target: WebhookTarget, connections: number, length: Length): Promise<Measured> {
  const run = randomUUID().slice(0, 8);
  const cpuBefore = service.cpuSeconds();
  const result = await runLoad({ url: service.url + route, headers: target.headers, body: (i) => target.payload(i, run), connections, ...length });
  const cpuMicrosPerRequest = ((service.cpuSeconds() - cpuBefore) * 1e6) / result.requests;
  assertAllOk(`${service.name} ${route}`, result);
  return { ...result, cpuMicrosPerRequest };
}

export const ingest: Bench = {
  name: 'ingest',
  what: 'webhooks/s, p50 and p99 of the answer, herald --role api against a bare Queue.add route',
  async run(ctx) {
    const prefix = benchPrefix('ingest');
    const redis = connectRedis(ctx.redisUrl);
    const rounds = ctx.quick ? 1 : 5;
    const seconds = 3;
    const roundLength: Length = ctx.quick ? { amount: 50 } : { seconds };
    const warmUp: Length = ctx.quick ? { amount: 20 } : { seconds: 2 };
    let services: Service[] = [];
    try {
      services = await startAll([
        startBaseline({ redisUrl: ctx.redisUrl, prefix, work: 'none', inProcess: ctx.inProcess }),
        startHeraldService({ role: 'api', redisUrl: ctx.redisUrl, prefix, xUrl: 'http://127.0.0.1:9', cpuProfDir: ctx.cpuProfDir, inProcess: ctx.inProcess }),
      ]);
      const [baseline, herald] = services as [Service, Service];
      const figures: Figures = { connections: ctx.connections, rounds, 'seconds per round': ctx.quick ? 'quick' : seconds };
      for (const target of INGEST_TARGETS) {
        // Warm both up (JIT, connection pools) before anything counts.
        await load(baseline, target.route, target, ctx.connections, warmUp);
        await load(herald, target.route, target, ctx.connections, warmUp);
        const base: Measured[] = [];
        const ours: Measured[] = [];
        for (let r = 0; r < rounds; r++) {
          base.push(await load(baseline, target.route, target, ctx.connections, roundLength));
          ours.push(await load(herald, target.route, target, ctx.connections, roundLength));
          const [o, b] = [ours.at(-1)!, base.at(-1)!];
          ctx.log(`${target.name} round ${r + 1}: herald ${Math.round(o.perSecond)}/s ${Math.round(o.cpuMicrosPerRequest)} µs CPU each, baseline ${Math.round(b.perSecond)}/s ${Math.round(b.cpuMicrosPerRequest)} µs`);
        }
        const rate = median(ours.map((r) => r.perSecond));
        const baseRate = median(base.map((r) => r.perSecond));
        // Each herald round is compared with the baseline round just before it, so a neighbour's
        // load that comes and goes cancels out; the median of those pairs is the ratio reported.
        const pairedRatio = median(ours.map((r, i) => r.perSecond / base[i]!.perSecond));
        const pairedCpu = median(ours.map((r, i) => r.cpuMicrosPerRequest / base[i]!.cpuMicrosPerRequest));
        const p50 = median(ours.map((r) => r.p50Ms));
        const p99 = median(ours.map((r) => r.p99Ms));
        const baseP50 = median(base.map((r) => r.p50Ms));
        const baseP99 = median(base.map((r) => r.p99Ms));
        const cpu = median(ours.map((r) => r.cpuMicrosPerRequest));
        const baseCpu = median(base.map((r) => r.cpuMicrosPerRequest));
        Object.assign(figures, {
          [`${target.name} webhooks/s`]: Math.round(rate),
          [`${target.name} alerts/s`]: Math.round(rate * target.alertsPerWebhook),
          [`${target.name} p50 ms`]: round(p50, 2),
          [`${target.name} p99 ms`]: round(p99, 2),
          [`${target.name} CPU µs per webhook`]: Math.round(cpu),
          [`baseline webhooks/s`]: Math.round(baseRate),
          [`baseline p50 ms`]: round(baseP50, 2),
          [`baseline p99 ms`]: round(baseP99, 2),
          [`baseline CPU µs per request`]: Math.round(baseCpu),
          [`${target.name} rate / baseline`]: round(pairedRatio, 2),
          [`${target.name} p50 / baseline`]: ratio(p50, baseP50),
          [`${target.name} p99 / baseline`]: ratio(p99, baseP99),
          [`${target.name} CPU per webhook / baseline`]: round(pairedCpu, 2),
          [`${target.name} aim: at least 0.8 of baseline`]: pairedRatio >= 0.8,
          [`${target.name} aim: at least 5,000 webhooks/s`]: rate >= 5000,
        });
      }
      return figures;
    } finally {
      await Promise.all(services.map((s) => s.stop()));
      await deletePrefix(redis, prefix);
      redis.disconnect();
    }
  },
};
