/**
 * Drives a route with wrk (Debian's `wrk`, a C load generator), in a process of its own. On two
 * cores a load generator written in Node takes one core for itself and squeezes every ratio
 * towards 1; wrk needs a fraction of that, so the gap between herald and the floor shows.
 *
 * Every request carries its own body (so none is deduplicated as a retried delivery): the bodies
 * are written to a file before the round, and a Lua script hands them out, thread by thread.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadResult } from './load.ts';

export interface WrkOptions {
  url: string;
  headers: Record<string, string>;
  /** Body of the i-th request (0-based). */
  body: (i: number) => unknown;
  connections: number;
  seconds: number;
  /** Bodies written for the round; must exceed the requests wrk can make in `seconds`. */
  bodies: number;
}

/** Whether wrk is installed; the benchmarks print the autocannon figures alone without it. */
export function wrkAvailable(): boolean {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    // wrk --version exits 1 after printing its version: it is there all the same.
    return (err as { status?: number }).status === 1;
  }
}

const THREADS = 2;

// Each thread reads every body, then takes every THREADS-th from its own offset, so no two
// requests of a round share a body. `done` prints one JSON line the runner parses.
const SCRIPT = `
local bodies = {}
local next_index = 1
local counter = 1
local threads = {}
function setup(thread)
  thread:set("offset", counter)
  counter = counter + 1
  table.insert(threads, thread)
end
function init(args)
  for line in io.lines(os.getenv("HERALD_WRK_BODIES")) do bodies[#bodies + 1] = line end
  next_index = offset
  wrk.method = "POST"
end
function request()
  local body = bodies[next_index] or bodies[1]
  next_index = next_index + ${THREADS}
  return wrk.format(nil, nil, nil, body)
end
function response(status, headers, body)
  if status < 200 or status > 299 then refused = (refused or 0) + 1 end
end
function done(summary, latency, requests)
  local refused_total = 0
  for _, t in ipairs(threads) do refused_total = refused_total + (t:get("refused") or 0) end
  io.write(string.format('HERALD_WRK {"requests":%d,"us":%d,"refused":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,"p50":%d,"p99":%d}\\n',
    summary.requests, summary.duration, refused_total, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout, latency:percentile(50), latency:percentile(99)))
end
`;

export async function runWrk(o: WrkOptions): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'herald-wrk-'));
  try {
    const bodiesPath = join(dir, 'bodies.jsonl');
    const scriptPath = join(dir, 'load.lua');
    const lines: string[] = [];
    for (let i = 0; i < o.bodies; i++) lines.push(JSON.stringify(o.body(i)));
    writeFileSync(bodiesPath, lines.join('\n') + '\n');
    writeFileSync(scriptPath, SCRIPT);
    const headerArgs = Object.entries({ 'content-type': 'application/json', ...o.headers }).flatMap(([k, v]) => ['-H', `${k}: ${v}`]);
    const args = ['-t', String(THREADS), '-c', String(Math.max(THREADS, o.connections)), '-d', `${o.seconds}s`, '--timeout', '10s', '-s', scriptPath, ...headerArgs, o.url];
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn('wrk', args, { env: { ...process.env, HERALD_WRK_BODIES: bodiesPath } });
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`wrk exited with ${code}: ${text}`))));
    });
    const line = output.split('\n').find((l) => l.startsWith('HERALD_WRK '));
    if (!line) throw new Error(`wrk printed no summary: ${output}`);
    const s = JSON.parse(line.slice('HERALD_WRK '.length)) as Record<string, number>;
    const seconds = s.us! / 1e6;
    const errors = s.connect! + s.read! + s.write! + s.timeout!;
    const failed = s.refused! + errors;
    const ok = s.requests! - s.refused!;
    return {
      requests: s.requests!,
      ok,
      failed,
      seconds,
      perSecond: ok / seconds,
      p50Ms: s.p50! / 1000,
      p99Ms: s.p99! / 1000,
      statuses: failed > 0 ? { 0: failed } : {},
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
