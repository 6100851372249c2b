/**
 * herald as a separate process (`node --import tsx src/main.ts --role ...`), for tests and the fault
 * harness that kill it: its JSON log lines are kept, and `exited` resolves with how it ended.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface HeraldProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Parsed log lines (stdout), newest last. */
  readonly lines: Record<string, unknown>[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first log line `predicate` accepts; rejects on exit or timeout. */
  waitForLine(predicate: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  kill(signal: NodeJS.Signals): void;
}

/** Starts herald with exactly `env` (plus PATH), as `npm start` does when `role` is undefined; `logFile` also receives every line. */
export function spawnHerald(
  role: 'api' | 'worker' | 'all' | undefined,
  env: Record<string, string>,
  options: { logFile?: string; /** What node runs; default: the sources through tsx, as `npm start`. */ entry?: string[] } = {},
): HeraldProcess {
  const entry = options.entry ?? ['--import', 'tsx', 'src/main.ts'];
  const child = spawn(process.execPath, [...entry, ...(role ? ['--role', role] : [])], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: WriteStream | undefined = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : undefined;
  const lines: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  let buffer = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    log?.write(chunk);
    buffer += chunk.toString();
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const raw = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      try {
        lines.push(JSON.parse(raw) as Record<string, unknown>);
      } catch {
        lines.push({ msg: raw });
      }
    }
    for (const wake of waiters) wake();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    log?.write(chunk);
    lines.push({ stderr: chunk.toString() });
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      log?.end();
      for (const wake of waiters) wake();
      resolve({ code, signal });
    }),
  );

  return {
    child,
    pid: child.pid!,
    lines,
    exited,
    // A cold start through tsx beside other test files (npm test runs them side by side) can pass
    // 20 s on two cores; the waits for `herald is running` that name their own time give 60 s too.
    waitForLine(predicate, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find(predicate);
          if (found) return done(() => resolve(found));
          if (child.exitCode !== null || child.signalCode !== null) return done(() => reject(new Error(`herald exited before the line; it said:\n${tail()}`)));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`no such log line within ${timeoutMs} ms; got:\n${tail()}`))), timeoutMs);
        const done = (then: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          then();
        };
        waiters.add(check);
        check();
      });
    },
    kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };

  function tail(): string {
    return lines.slice(-20).map((l) => JSON.stringify(l)).join('\n');
  }
}
