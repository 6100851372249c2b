/** What every benchmark is given and gives back; bench/run.ts runs them. */

export interface BenchContext {
  redisUrl: string;
  /** Tiny counts and durations, for the smoke test: proves the scripts run, measures nothing. */
  quick: boolean;
  /** Concurrent keep-alive connections of the load generator. */
  connections: number;
  /** When set, herald children write a V8 CPU profile here (`node --cpu-prof`). */
  cpuProfDir?: string;
  /** Run herald and the baseline inside this process: quick to start, but not representative. */
  inProcess: boolean;
  /** herald from `dist/` (built by the runner), as the Docker image runs it, rather than through tsx. */
  built: boolean;
  log(message: string): void;
}

/** Named figures, printed in order; ratios are against a baseline measured in the same run. */
export type Figures = Record<string, number | string | boolean>;

export interface Bench {
  name: string;
  /** One line for `--help` and the report. */
  what: string;
  /** How long the runner lets it run before stopping it, if not the runner's default of 110 s. */
  limitMs?: number;
  run(ctx: BenchContext): Promise<Figures>;
}

/** A benchmark whose outcome was wrong (not merely slow): its figures are still printed. */
export class BenchFailure extends Error {
  override readonly name = 'BenchFailure';
  constructor(
    message: string,
    readonly figures: Figures,
  ) {
    super(message);
  }
}
