import { join } from 'node:path';
import { spawnHerald, type HeraldProcess } from '../../test/helpers/herald-process.ts';

/**
 * Worker processes the harness kills and restarts. Each slot keeps one process alive; a kill picks
 * a live one, signals it and starts a fresh one in its slot a moment later.
 */
export class WorkerPool {
  private readonly slots: (HeraldProcess | undefined)[];
  /** Every process ever started, so none outlives the harness. */
  private readonly all: HeraldProcess[] = [];
  readonly kills: Record<'SIGKILL' | 'SIGTERM', number> = { SIGKILL: 0, SIGTERM: 0 };

  constructor(
    size: number,
    private readonly env: Record<string, string>,
    private readonly logDir: string,
    private readonly random: () => number,
  ) {
    this.slots = Array.from({ length: size }, () => undefined);
  }

  async start(): Promise<void> {
    for (let i = 0; i < this.slots.length; i++) this.slots[i] = this.spawn(i);
    await Promise.all(this.slots.map((p) => p!.waitForLine((l) => l.msg === 'herald is running', 60_000)));
  }

  private spawn(slot: number): HeraldProcess {
    // A worker answers health checks on PORT: each on a port of its own, or the second cannot start.
    const worker = spawnHerald('worker', { ...this.env, PORT: '0' }, { logFile: join(this.logDir, `worker-${slot}.log`) });
    this.all.push(worker);
    return worker;
  }

  /** Signals a random live worker (SIGKILL mostly, SIGTERM now and then) and restarts its slot. */
  async killOne(restartAfterMs: number): Promise<void> {
    const slot = Math.floor(this.random() * this.slots.length);
    const victim = this.slots[slot];
    if (!victim) return;
    const signal = this.random() < 0.25 ? 'SIGTERM' : 'SIGKILL';
    this.kills[signal]++;
    victim.kill(signal);
    this.slots[slot] = undefined;
    // A SIGTERM'd worker finishes what it holds; its replacement may start meanwhile.
    await Promise.race([victim.exited, new Promise((r) => setTimeout(r, 100))]);
    await new Promise((r) => setTimeout(r, restartAfterMs));
    this.slots[slot] = this.spawn(slot);
  }

  get restarts(): number {
    return this.all.length - this.slots.length;
  }

  /** Lines every worker logged at `level` or worse (pino: 50 error, 60 fatal). */
  linesAtLeast(level: number): Record<string, unknown>[] {
    return this.all.flatMap((p) => p.lines.filter((l) => typeof l.level === 'number' && l.level >= level));
  }

  async stop(): Promise<void> {
    const live = this.all.filter((p) => p.child.exitCode === null && p.child.signalCode === null);
    for (const p of live) p.kill('SIGTERM');
    await Promise.all(
      live.map((p) =>
        Promise.race([p.exited, new Promise((r) => setTimeout(r, 15_000))]).then(() => p.kill('SIGKILL')),
      ),
    );
  }
}
