/**
 * The baseline route as a process of its own (see lib/baseline.ts), started by lib/service.ts and
 * configured through the environment.
 */
import { startBaselineServer, type BaselineWork } from './lib/baseline.ts';

const baseline = await startBaselineServer({
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  prefix: process.env.BENCH_PREFIX ?? 'herald-bench-baseline',
  work: (process.env.BENCH_WORK ?? 'none') as BaselineWork,
  xUrl: process.env.BENCH_X_URL,
});
console.log(JSON.stringify({ msg: 'baseline is running', url: baseline.url }));

process.on('SIGTERM', () => {
  void baseline.close().then(() => process.exit(0));
});
