/**
 * Time to announce: from sending the webhook to the fake X receiving the tweet, one incident at a
 * time, with grace 0 and automatic approval (herald `--role all`, its own process). The baseline is
 * the bare route whose worker makes one POST to the fake X per job: one queue hop and one call,
 * against herald's two hops, two compare-and-sets, composing and signing.
 */
import { randomUUID } from 'node:crypto';
import { startFakeX, type FakeX } from '../test/helpers/fake-x.ts';
import type { Bench } from './lib/bench.ts';
import { postJson } from './lib/load.ts';
import { benchPrefix, connectRedis, deletePrefix } from './lib/redis.ts';
import { startAll, startBaseline, startHeraldService, type Service } from './lib/service.ts';
import { median, percentile, ratio, round } from './lib/stats.ts';
import { announceTarget } from './targets.ts';

/** Sends `count` incidents one after another; returns each one's webhook-to-tweet time in ms. */
async function announceTimes(service: Service, fakeX: FakeX, count: number): Promise<number[]> {
  const run = randomUUID().slice(0, 8);
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const posted = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`${service.name}: incident ${i} was not posted within 10 s\n${service.logTail(5)}`));
      }, 10_000);
      const off = fakeX.onPost(() => {
        const at = performance.now();
        clearTimeout(timer);
        off();
        resolve(at);
      });
    });
    const sent = performance.now();
    const res = await postJson(service.url + announceTarget.route, announceTarget.headers, announceTarget.payload(i, run));
    if (res.status !== 202) throw new Error(`${service.name} answered ${res.status}: ${res.text}`);
    times.push((await posted) - sent);
  }
  return times;
}

export const announce: Bench = {
  name: 'announce',
  what: 'webhook to tweet on the fake X with grace 0: p50 and p99 over 500 incidents, median over 50',
  async run(ctx) {
    const block = ctx.quick ? 5 : 50;
    const blocks = ctx.quick ? 2 : 10;
    const prefix = benchPrefix('announce');
    const redis = connectRedis(ctx.redisUrl);
    const fakeX = await startFakeX();
    let services: Service[] = [];
    try {
      services = await startAll([
        startBaseline({ redisUrl: ctx.redisUrl, prefix: `${prefix}-baseline`, work: 'post', xUrl: fakeX.url, inProcess: ctx.inProcess }),
        startHeraldService({ role: 'all', redisUrl: ctx.redisUrl, prefix, xUrl: fakeX.url, graceSeconds: 0, cpuProfDir: ctx.cpuProfDir, inProcess: ctx.inProcess, built: ctx.built }),
      ]);
      const [baseline, herald] = services as [Service, Service];
      await announceTimes(baseline, fakeX, block);
      await announceTimes(herald, fakeX, block);
      // Blocks alternate, so a neighbour's burst of CPU slows both alike.
      const ours: number[][] = [];
      const base: number[] = [];
      for (let b = 0; b < blocks; b++) {
        ours.push(await announceTimes(herald, fakeX, block));
        base.push(...(await announceTimes(baseline, fakeX, block)));
      }
      const all = ours.flat();
      const p50 = percentile(all, 50);
      const p99 = percentile(all, 99);
      return {
        incidents: all.length,
        'herald p50 ms': round(p50, 2),
        'herald p99 ms': round(p99, 2),
        'herald max ms': round(Math.max(...all), 2),
        [`herald median over the first ${block} ms`]: round(median(ours[0]!), 2),
        'baseline p50 ms': round(percentile(base, 50), 2),
        'baseline p99 ms': round(percentile(base, 99), 2),
        'p50 / baseline': ratio(p50, percentile(base, 50)),
        'p99 / baseline': ratio(p99, percentile(base, 99)),
        'p99 under 100 ms': p99 < 100,
      };
    } finally {
      await Promise.all(services.map((s) => s.stop()));
      await fakeX.close();
      await deletePrefix(redis, prefix);
      await deletePrefix(redis, `${prefix}-baseline`);
      redis.disconnect();
    }
  },
};
