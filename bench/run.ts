/**
 * `npm run bench [-- <name>...] [--quick] [--in-process] [--built] [--connections N] [--cpu-prof DIR] [--json FILE]`
 *
 * Runs herald's benchmarks against the local Redis (REDIS_URL, default 127.0.0.1:6379) and a fake
 * X on 127.0.0.1, each under its own Redis prefix that is deleted afterwards. Every figure that
 * depends on the machine comes with a ratio against a baseline measured in the same run.
 * See docs/benchmarks.md.
 */
import { writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { BenchFailure, type Bench, type BenchContext, type Figures } from './lib/bench.ts';

/** Loaded only when run, so naming one benchmark does not load the others' dependencies. */
export const BENCHES: { name: string; load: () => Promise<Bench> }[] = [
  { name: 'ingest', load: async () => (await import('./ingest.ts')).ingest },
  { name: 'storm', load: async () => (await import('./storm.ts')).storm },
  { name: 'announce', load: async () => (await import('./announce.ts')).announce },
  { name: 'growth', load: async () => (await import('./growth.ts')).growth },
];

/** No benchmark may run longer than this unless it names its own limit; each is designed to take well under it. */
const LIMIT_MS = 110_000;

const { values, positionals } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'in-process': { type: 'boolean', default: false },
    built: { type: 'boolean', default: false },
    connections: { type: 'string', default: '100' },
    'cpu-prof': { type: 'string' },
    json: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
  allowPositionals: true,
});

if (values.help) {
  console.log('npm run bench [-- <name>...] [--quick] [--in-process] [--built] [--connections N] [--cpu-prof DIR] [--json FILE]');
  console.log(`benchmarks: ${BENCHES.map((b) => b.name).join(', ')}; see docs/benchmarks.md`);
  process.exit(0);
}

const unknown = positionals.filter((name) => !BENCHES.some((b) => b.name === name));
if (unknown.length > 0) {
  console.error(`no benchmark named ${unknown.join(', ')}; there are: ${BENCHES.map((b) => b.name).join(', ')}`);
  process.exit(2);
}
const selected = positionals.length > 0 ? BENCHES.filter((b) => positionals.includes(b.name)) : BENCHES;

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
if (!/^redis:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/\d+)?$/.test(redisUrl)) {
  console.error(`benchmarks only target this machine; REDIS_URL is ${redisUrl}`);
  process.exit(2);
}

if (values.built) {
  // What the Docker image runs: compiled once here, so the figures are of that code, not of tsx.
  console.log('building dist/ (npm run build) for --built');
  const built = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

const ctx: BenchContext = {
  redisUrl,
  quick: values.quick,
  connections: Number(values.connections),
  cpuProfDir: values['cpu-prof'],
  inProcess: values['in-process'],
  built: values.built,
  log: (message) => console.log(`  · ${message}`),
};

function print(figures: Figures): void {
  const width = Math.max(...Object.keys(figures).map((k) => k.length));
  for (const [name, value] of Object.entries(figures)) console.log(`  ${name.padEnd(width)}  ${typeof value === 'number' ? value.toLocaleString('en-US') : value}`);
}

async function withLimit<T>(name: string, limitMs: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} did not finish within ${limitMs / 1000} s`)), limitMs);
  });
  try {
    return await Promise.race([work, limit]);
  } finally {
    clearTimeout(timer);
  }
}

const results: Record<string, Figures> = {};
let failed = false;
for (const { load } of selected) {
  const bench = await load();
  console.log(`\n${bench.name}: ${bench.what}`);
  const started = performance.now();
  try {
    results[bench.name] = await withLimit(bench.name, bench.limitMs ?? LIMIT_MS, bench.run(ctx));
    print(results[bench.name]!);
    console.log(`  (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  } catch (err) {
    failed = true;
    if (err instanceof BenchFailure) print((results[bench.name] = err.figures));
    console.error(`  ${bench.name} FAILED: ${err instanceof Error ? err.message : String(err)}`);
  }
}
if (values.json) writeFileSync(values.json, JSON.stringify(results, null, 2) + '\n');
// Each benchmark stops its children; one that ran out of time may not have.
if (selected.length > 0) (await import('./lib/service.ts')).killAllServices();
process.exit(failed ? 1 : 0);
