/**
 * Ingest: webhooks per second into herald over many keep-alive connections, against a floor on
 * the same Redis, in paired rounds (floor, then herald) so a neighbour's burst hurts both alike.
 *
 * - `--role api` against a bare route doing one `Queue.add` per request;
 * - `--role all` (what `npm start` runs: the workers drain the events in the same process) against
 *   the bare route plus a no-op BullMQ worker in one process.
 *
 * wrk gives the ratios that count (a load generator in Node takes a core of the two and squeezes
 * every ratio towards 1); autocannon's figures for `--role api` are printed beside them, as before.
 * CPU time per webhook (from /proc) moves far less with a neighbour's load than throughput does.
 */
import { randomUUID } from 'node:crypto';
import type { Bench, BenchContext, Figures } from './lib/bench.ts';
import { assertAllOk, runLoad, type LoadResult } from './lib/load.ts';
import { benchPrefix, connectRedis, deletePrefix } from './lib/redis.ts';
import { startAll, startBaseline, startHeraldService, type Service } from './lib/service.ts';
import { median, ratio, round } from './lib/stats.ts';
import { runWrk, wrkAvailable } from './lib/wrk.ts';
import { INGEST_TARGETS, type WebhookTarget } from './targets.ts';

type Measured = LoadResult & { cpuMicrosPerRequest: number };
type Generator = 'autocannon' | 'wrk';

/** A round of load: so many seconds, or (quick autocannon runs count in whole seconds) so many requests. */
type Length = { seconds: number } | { amount: number };

/** wrk is run at a fixed connection count, the one the figures were taken at. */
const WRK_CONNECTIONS = 64;
/** More bodies than the fastest side answers in a round, so none repeats. */
const WRK_BODIES_PER_SECOND = 30_000;

async function load(generator: Generator, service: Service, target: WebhookTarget, connections: number, length: Length): Promise<Measured> {
  const run = randomUUID().slice(0, 8);
  const url = service.url + target.route;
  const body = (i: number) => target.payload(i, run);
  const cpuBefore = service.cpuSeconds();
  const result =
    generator === 'wrk'
      ? await runWrk({ url, headers: target.headers, body, connections, seconds: 'seconds' in length ? length.seconds : 1, bodies: ('seconds' in length ? length.seconds : 1) * WRK_BODIES_PER_SECOND })
      : await runLoad({ url, headers: target.headers, body, connections, ...length });
  const cpuMicrosPerRequest = ((service.cpuSeconds() - cpuBefore) * 1e6) / result.requests;
  assertAllOk(`${service.name} ${target.route} (${generator})`, result);
  return { ...result, cpuMicrosPerRequest };
}

interface Pairing {
  generator: Generator;
  floor: Service;
  herald: Service;
  connections: number;
  rounds: number;
  round: Length;
  warmUp: Length;
}

/** Warm-up, then `rounds` pairs; every figure is the median over rounds, ratios over the pairs. */
async function measurePairs(ctx: BenchContext, target: WebhookTarget, p: Pairing, label: string): Promise<Figures> {
  await load(p.generator, p.floor, target, p.connections, p.warmUp);
  await load(p.generator, p.herald, target, p.connections, p.warmUp);
  const floor: Measured[] = [];
  const ours: Measured[] = [];
  for (let r = 0; r < p.rounds; r++) {
    floor.push(await load(p.generator, p.floor, target, p.connections, p.round));
    ours.push(await load(p.generator, p.herald, target, p.connections, p.round));
    const [o, f] = [ours.at(-1)!, floor.at(-1)!];
    ctx.log(`${label} round ${r + 1}: herald ${Math.round(o.perSecond)}/s p99 ${round(o.p99Ms, 1)} ms ${Math.round(o.cpuMicrosPerRequest)} µs CPU each; floor ${Math.round(f.perSecond)}/s ${Math.round(f.cpuMicrosPerRequest)} µs`);
  }
  const pairedRatio = median(ours.map((r, i) => r.perSecond / floor[i]!.perSecond));
  const pairedCpu = median(ours.map((r, i) => r.cpuMicrosPerRequest / floor[i]!.cpuMicrosPerRequest));
  const p50 = median(ours.map((r) => r.p50Ms));
  const p99 = median(ours.map((r) => r.p99Ms));
  const floorP99 = median(floor.map((r) => r.p99Ms));
  return {
    [`${label} webhooks/s`]: Math.round(median(ours.map((r) => r.perSecond))),
    [`${label} alerts/s`]: Math.round(median(ours.map((r) => r.perSecond)) * target.alertsPerWebhook),
    [`${label} p50 ms`]: round(p50, 2),
    [`${label} p99 ms`]: round(p99, 2),
    [`${label} CPU µs per webhook`]: Math.round(median(ours.map((r) => r.cpuMicrosPerRequest))),
    [`${label} floor webhooks/s`]: Math.round(median(floor.map((r) => r.perSecond))),
    [`${label} floor p99 ms`]: round(floorP99, 2),
    [`${label} floor CPU µs per request`]: Math.round(median(floor.map((r) => r.cpuMicrosPerRequest))),
    [`${label} rate / floor`]: round(pairedRatio, 2),
    [`${label} p99 / floor`]: ratio(p99, floorP99),
    [`${label} CPU per webhook / floor`]: round(pairedCpu, 2),
  };
}

export const ingest: Bench = {
  name: 'ingest',
  what: 'webhooks/s and answer times of herald --role api and --role all against bare Queue.add floors (wrk and autocannon)',
  async run(ctx) {
    const prefix = benchPrefix('ingest');
    const redis = connectRedis(ctx.redisUrl);
    const rounds = ctx.quick ? 1 : 3;
    const round3s: Length = ctx.quick ? { amount: 50 } : { seconds: 3 };
    const warmUp: Length = ctx.quick ? { amount: 20 } : { seconds: 2 };
    const wrkRound: Length = { seconds: ctx.quick ? 1 : 3 };
    const wrkWarmUp: Length = { seconds: ctx.quick ? 1 : 2 };
    const withWrk = wrkAvailable();
    let services: Service[] = [];
    try {
      services = await startAll([
        startBaseline({ redisUrl: ctx.redisUrl, prefix, work: 'none', inProcess: ctx.inProcess }),
        startHeraldService({ role: 'api', redisUrl: ctx.redisUrl, prefix, xUrl: 'http://127.0.0.1:9', cpuProfDir: ctx.cpuProfDir, inProcess: ctx.inProcess, built: ctx.built }),
        // Workers in the process: the floor drains with a no-op worker; herald folds every event
        // into its incident (a long grace keeps it from posting, which the announce bench measures).
        startBaseline({ redisUrl: ctx.redisUrl, prefix: `${prefix}-all`, work: 'noop', inProcess: ctx.inProcess }),
        startHeraldService({ role: 'all', redisUrl: ctx.redisUrl, prefix: `${prefix}-all`, xUrl: 'http://127.0.0.1:9', graceSeconds: 3600, cpuProfDir: ctx.cpuProfDir, inProcess: ctx.inProcess, built: ctx.built }),
      ]);
      const [floorApi, heraldApi, floorAll, heraldAll] = services as [Service, Service, Service, Service];
      const figures: Figures = { connections: ctx.connections, rounds, 'seconds per round': ctx.quick ? 'quick' : 3 };
      for (const target of INGEST_TARGETS) {
        if (withWrk) {
          const wrk = { generator: 'wrk' as const, connections: WRK_CONNECTIONS, rounds, round: wrkRound, warmUp: wrkWarmUp };
          Object.assign(figures, await measurePairs(ctx, target, { ...wrk, floor: floorApi, herald: heraldApi }, `wrk ${target.name} --role api`));
          Object.assign(figures, await measurePairs(ctx, target, { ...wrk, floor: floorAll, herald: heraldAll }, `wrk ${target.name} --role all`));
        } else {
          figures['wrk'] = 'not installed (apt-get install wrk): the autocannon ratio alone is squeezed towards 1';
        }
        const cannon = { generator: 'autocannon' as const, connections: ctx.connections, rounds, round: round3s, warmUp };
        Object.assign(figures, await measurePairs(ctx, target, { ...cannon, floor: floorApi, herald: heraldApi }, `autocannon ${target.name} --role api`));
      }
      return figures;
    } finally {
      await Promise.all(services.map((s) => s.stop()));
      await deletePrefix(redis, prefix);
      await deletePrefix(redis, `${prefix}-all`);
      redis.disconnect();
    }
  },
};
