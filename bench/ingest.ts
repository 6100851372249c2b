/**
 * Ingest: webhooks per second into herald over many keep-alive connections, against a floor on
 * the same Redis, in paired rounds (the order turning each round) so a neighbour's burst hurts
 * both alike.
 *
 * - `--role api` against a bare route doing one `Queue.add` per request, and (with wrk) against
 *   the minimal correct receiver of lib/minimal-receiver.ts in the same rounds;
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
import { startAll, startBaseline, startHeraldService, startMinimal, type Service } from './lib/service.ts';
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
  /** The minimal correct receiver (lib/minimal-receiver.ts), measured in the same rounds when given. */
  minimal?: Service;
  connections: number;
  rounds: number;
  round: Length;
  warmUp: Length;
}

/** Median over rounds of one side's figure divided by another's in the same round. */
const pairedMedian = (a: Measured[], b: Measured[], figure: (m: Measured) => number) => round(median(a.map((m, i) => figure(m) / figure(b[i]!))), 2);
const perSecond = (m: Measured) => m.perSecond;
const cpu = (m: Measured) => m.cpuMicrosPerRequest;

/**
 * Warm-up, then `rounds` rounds in which every side takes its turn, the order turning by one each
 * round (so no side always follows the same one); every figure is the median over rounds, ratios
 * the median of each round's ratio.
 */
async function measurePairs(ctx: BenchContext, target: WebhookTarget, p: Pairing, label: string): Promise<Figures> {
  const sides = [p.herald, p.floor, ...(p.minimal ? [p.minimal] : [])];
  const measured = new Map<Service, Measured[]>(sides.map((s) => [s, []]));
  for (const side of sides) await load(p.generator, side, target, p.connections, p.warmUp);
  for (let r = 0; r < p.rounds; r++) {
    for (let i = 0; i < sides.length; i++) {
      const side = sides[(r + i) % sides.length]!;
      measured.get(side)!.push(await load(p.generator, side, target, p.connections, p.round));
    }
    const [o, f, m] = sides.map((s) => measured.get(s)!.at(-1)!) as [Measured, Measured, Measured | undefined];
    const minimal = m ? `; minimal ${Math.round(m.perSecond)}/s ${Math.round(m.cpuMicrosPerRequest)} µs: herald rate ${round(o.perSecond / m.perSecond, 2)}, CPU ${round(o.cpuMicrosPerRequest / m.cpuMicrosPerRequest, 2)}×` : '';
    ctx.log(`${label} round ${r + 1}: herald ${Math.round(o.perSecond)}/s p99 ${round(o.p99Ms, 1)} ms ${Math.round(o.cpuMicrosPerRequest)} µs CPU each; floor ${Math.round(f.perSecond)}/s ${Math.round(f.cpuMicrosPerRequest)} µs${minimal}`);
  }
  const ours = measured.get(p.herald)!;
  const floor = measured.get(p.floor)!;
  const p99 = median(ours.map((r) => r.p99Ms));
  const floorP99 = median(floor.map((r) => r.p99Ms));
  const figures: Figures = {
    [`${label} webhooks/s`]: Math.round(median(ours.map(perSecond))),
    [`${label} alerts/s`]: Math.round(median(ours.map(perSecond)) * target.alertsPerWebhook),
    [`${label} p50 ms`]: round(median(ours.map((r) => r.p50Ms)), 2),
    [`${label} p99 ms`]: round(p99, 2),
    [`${label} CPU µs per webhook`]: Math.round(median(ours.map(cpu))),
    [`${label} floor webhooks/s`]: Math.round(median(floor.map(perSecond))),
    [`${label} floor p99 ms`]: round(floorP99, 2),
    [`${label} floor CPU µs per request`]: Math.round(median(floor.map(cpu))),
    [`${label} rate / floor`]: pairedMedian(ours, floor, perSecond),
    [`${label} p99 / floor`]: ratio(p99, floorP99),
    [`${label} CPU per webhook / floor`]: pairedMedian(ours, floor, cpu),
  };
  if (p.minimal) {
    const minimal = measured.get(p.minimal)!;
    Object.assign(figures, {
      [`${label} minimal webhooks/s`]: Math.round(median(minimal.map(perSecond))),
      [`${label} minimal CPU µs per webhook`]: Math.round(median(minimal.map(cpu))),
      [`${label} rate / minimal`]: pairedMedian(ours, minimal, perSecond),
      [`${label} CPU per webhook / minimal`]: pairedMedian(ours, minimal, cpu),
      [`${label} floor rate / minimal`]: pairedMedian(floor, minimal, perSecond),
    });
  }
  return figures;
}

export const ingest: Bench = {
  name: 'ingest',
  what: 'webhooks/s and CPU per webhook of herald --role api and --role all against bare Queue.add floors (wrk and autocannon) and a minimal correct receiver (wrk)',
  // Three sides in the `--role api` rounds: about 80 s of load, and five children to start first
  // (over 30 s on this machine when it is shared).
  limitMs: 240_000,
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
        startMinimal({ redisUrl: ctx.redisUrl, prefix: `${prefix}-minimal`, inProcess: ctx.inProcess }),
      ]);
      const [floorApi, heraldApi, floorAll, heraldAll, minimal] = services as [Service, Service, Service, Service, Service];
      // Every child runs on the runner's own node (process.execPath): under `npm run` that is the pinned one.
      const figures: Figures = { node: process.version, connections: ctx.connections, rounds, 'seconds per round': ctx.quick ? 'quick' : 3 };
      for (const target of INGEST_TARGETS) {
        if (withWrk) {
          const wrk = { generator: 'wrk' as const, connections: WRK_CONNECTIONS, rounds, round: wrkRound, warmUp: wrkWarmUp };
          Object.assign(figures, await measurePairs(ctx, target, { ...wrk, floor: floorApi, herald: heraldApi, minimal }, `wrk ${target.name} --role api`));
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
      await deletePrefix(redis, `${prefix}-minimal`);
      redis.disconnect();
    }
  },
};
