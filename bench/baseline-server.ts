/**
 * A baseline as a process of its own, started by lib/service.ts and configured through the
 * environment: the bare node:http route (lib/baseline.ts), or with `BENCH_RECEIVER=minimal` the
 * minimal correct receiver (lib/minimal-receiver.ts).
 */
import { startBaselineServer, type BaselineWork } from './lib/baseline.ts';
import { startMinimalReceiver } from './lib/minimal-receiver.ts';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = process.env.BENCH_PREFIX ?? 'herald-bench-baseline';
const baseline =
  process.env.BENCH_RECEIVER === 'minimal'
    ? await startMinimalReceiver({ redisUrl, prefix, token: process.env.BENCH_TOKEN ?? '' })
    : await startBaselineServer({ redisUrl, prefix, work: (process.env.BENCH_WORK ?? 'none') as BaselineWork, xUrl: process.env.BENCH_X_URL });
console.log(JSON.stringify({ msg: 'baseline is running', url: baseline.url }));

process.on('SIGTERM', () => {
  void baseline.close().then(() => process.exit(0));
});
