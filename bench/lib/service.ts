/**
 * Starts the process under test (herald, or the baseline server) as a child, as production runs
 * it: its own event loop and heap, so the load generator in this process never competes with it
 * for the same loop, and its peak RSS and CPU time are its own. `inProcess` runs it inside this
 * process instead: quicker to start, for the smoke test, but its figures then include the load
 * generator's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startHerald } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { startBaselineServer, type BaselineWork } from './baseline.ts';
import { startMinimalReceiver } from './minimal-receiver.ts';
import { until } from './stats.ts';

export interface Service {
  name: string;
  pid: number;
  url: string;
  /** Peak resident set size so far (VmHWM), in bytes. */
  peakRssBytes(): number;
  /** CPU time used so far (user + system), in seconds: unlike throughput, a neighbour's load hardly moves it. */
  cpuSeconds(): number;
  /** The log it wrote, for a failure message. */
  logTail(lines?: number): string;
  /** SIGTERM, wait for a clean exit (a --cpu-prof profile is written then). */
  stop(): Promise<void>;
}

export interface ServiceOptions {
  name: string;
  script: string;
  args?: string[];
  env: Record<string, string>;
  /** Write a V8 CPU profile of the child into this folder when it exits. */
  cpuProfDir?: string;
  /** `script` is compiled JavaScript: run by node alone, without tsx's loader. */
  compiled?: boolean;
}

const READY = /"msg":"(herald|baseline) is running"/;

/** Children still running, so a benchmark that timed out leaves none behind. */
const running = new Set<ChildProcess>();

/** Kills every child still running (SIGKILL): the last resort before this process exits. */
export function killAllServices(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

export async function startService(options: ServiceOptions): Promise<Service> {
  const dir = mkdtempSync(join(tmpdir(), `herald-bench-${options.name}-`));
  const logPath = join(dir, 'service.log');
  // The child logs to a file, not a pipe, so reading its logs costs this process nothing.
  const fd = openSync(logPath, 'w');
  const flags = options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : [];
  const loader = options.compiled ? [] : ['--import', 'tsx'];
  const child: ChildProcess = spawn(process.execPath, [...flags, ...loader, options.script, ...(options.args ?? [])], {
    // Its scratch folder (herald's dry-run outbox, a private Redis) is removed with its log.
    env: { PATH: process.env.PATH ?? '', NODE_NO_WARNINGS: '1', HERALD_DATA_DIR: join(dir, 'data'), ...options.env },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  running.add(child);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  const log = () => readFileSync(logPath, 'utf8');
  const logTail = (lines = 20) => log().trim().split('\n').slice(-lines).join('\n');

  let url = '';
  try {
    await until(
      () => {
        if (child.exitCode !== null) throw new Error(`${options.name} exited with ${child.exitCode} before it was ready:\n${logTail()}`);
        const line = log().split('\n').find((l) => READY.test(l));
        if (line) url = (JSON.parse(line) as { url: string }).url;
        return url !== '';
      },
      `${options.name} to start`,
      // Several children start side by side, each compiling herald through tsx: on two shared cores
      // under a load of 20 that took longer than 30 s.
      90_000,
      25,
    );
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }

  return {
    name: options.name,
    pid: child.pid!,
    url,
    peakRssBytes() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = /^VmHWM:\s+(\d+) kB/m.exec(status);
      return kb ? Number(kb[1]) * 1024 : Number.NaN;
    },
    cpuSeconds() {
      // Fields 14 and 15 of /proc/<pid>/stat, after the parenthesised command name, in clock ticks (100/s on Linux).
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    },
    logTail,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const BENCH_TOKEN = 'bench-webhook-token';

export interface HeraldServiceOptions {
  role: 'api' | 'worker' | 'all';
  redisUrl: string;
  prefix: string;
  /** The fake X; herald in role `api` never calls it, so any URL does there. */
  xUrl: string;
  graceSeconds?: number;
  cpuProfDir?: string;
  inProcess?: boolean;
  /** From `dist/` (`npm run build` first), as the Docker image runs it, rather than through tsx. */
  built?: boolean;
}

/** herald as `npm start -- --role <role>` would run it (or the Docker image, `built`), posting to the fake X. */
export function startHeraldService(o: HeraldServiceOptions): Promise<Service> {
  const env = heraldEnv(o);
  if (o.inProcess) {
    return inProcess(`herald-${o.role}`, async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'herald-bench-data-'));
      const config = loadConfig({ ...env, HERALD_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
      const herald = await startHerald(config, { role: o.role, logger: pino({ level: 'silent' }) });
      return { url: herald.url!, close: () => herald.close().finally(() => rmSync(dataDir, { recursive: true, force: true })) };
    });
  }
  const script = o.built ? 'dist/main.js' : 'src/main.ts';
  return startService({ name: `herald-${o.role}`, script, args: ['--role', o.role], cpuProfDir: o.cpuProfDir, env, compiled: o.built });
}

function heraldEnv(o: HeraldServiceOptions): Record<string, string> {
  return {
    PORT: '0',
    REDIS_URL: o.redisUrl,
    HERALD_REDIS_PREFIX: o.prefix,
    WEBHOOK_TOKEN: BENCH_TOKEN,
    X_APP_KEY: 'bench-app-key',
    X_APP_SECRET: 'bench-app-secret',
    X_ACCESS_TOKEN: 'bench-access-token',
    X_ACCESS_SECRET: 'bench-access-secret',
    X_API_BASE_URL: o.xUrl,
    HERALD_GRACE_SECONDS: String(o.graceSeconds ?? 0),
    // The fake X has no access tier: lift herald's own posting budget so the figures are herald's,
    // not the cap's, and leave follow-ups out of the tweet counts.
    HERALD_X_BUDGET_15MIN: '1000000',
    HERALD_X_BUDGET_24H: '1000000',
    HERALD_FOLLOWUP_MINUTES: '0',
    // Each run opens thousands of incidents a minute from one source: lift the flood cap too, so
    // every one goes the whole way (the gate's count is still paid on each webhook).
    HERALD_FLOOD_NEW_INCIDENTS_PER_MINUTE: '100000000',
    // Payloads carry fixed 2026 times so runs compare; the bound on old event times would refuse them.
    HERALD_EVENT_MAX_AGE_DAYS: '36500',
    // Production logs at info; so does the benchmark, to a file.
    LOG_LEVEL: 'info',
  };
}

export interface BaselineOptions {
  redisUrl: string;
  prefix: string;
  /** `none`: only the route; `noop`: a worker that does nothing per job; `post`: one POST to `xUrl` per job. */
  work: BaselineWork;
  xUrl?: string;
  inProcess?: boolean;
}

/** The bare route herald is compared with: see bench/lib/baseline.ts. */
export function startBaseline(o: BaselineOptions): Promise<Service> {
  const name = `baseline-${o.work}`;
  if (o.inProcess) return inProcess(name, () => startBaselineServer(o));
  return startService({
    name,
    script: 'bench/baseline-server.ts',
    env: { REDIS_URL: o.redisUrl, BENCH_PREFIX: o.prefix, BENCH_WORK: o.work, BENCH_X_URL: o.xUrl ?? '' },
  });
}

/** The minimal correct receiver (see bench/lib/minimal-receiver.ts), taking herald's bench token. */
export function startMinimal(o: { redisUrl: string; prefix: string; inProcess?: boolean }): Promise<Service> {
  if (o.inProcess) return inProcess('minimal', () => startMinimalReceiver({ ...o, token: BENCH_TOKEN }));
  return startService({
    name: 'minimal',
    script: 'bench/baseline-server.ts',
    env: { REDIS_URL: o.redisUrl, BENCH_PREFIX: o.prefix, BENCH_RECEIVER: 'minimal', BENCH_TOKEN },
  });
}

/** A service inside this process: its memory and CPU figures are this whole process's. */
async function inProcess(name: string, start: () => Promise<{ url: string; close(): Promise<void> }>): Promise<Service> {
  const started = await start();
  return {
    name,
    pid: process.pid,
    url: started.url,
    peakRssBytes: () => process.resourceUsage().maxRSS * 1024,
    cpuSeconds: () => {
      const { user, system } = process.cpuUsage();
      return (user + system) / 1e6;
    },
    logTail: () => '(in-process: no log)',
    stop: () => started.close(),
  };
}

/** Starts services side by side (each start is mostly module loading); stops the others if one fails. */
export async function startAll(starts: Promise<Service>[]): Promise<Service[]> {
  const settled = await Promise.allSettled(starts);
  const failure = settled.find((s) => s.status === 'rejected');
  const started = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  if (failure) {
    await Promise.all(started.map((s) => s.stop()));
    throw failure.reason;
  }
  return started;
}
