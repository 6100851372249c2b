/** Small numeric helpers shared by the benchmarks. */

/** The p-th percentile (0–100) by nearest rank; NaN for no samples. */
export function percentile(samples: ArrayLike<number>, p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = Float64Array.from(samples).sort();
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

export const median = (samples: ArrayLike<number>): number => percentile(samples, 50);

/** `value / baseline`, rounded for printing; a higher-is-better figure reads as "x of baseline". */
export const ratio = (value: number, baseline: number): number => (baseline > 0 ? round(value / baseline, 2) : Number.NaN);

export const round = (value: number, digits = 1): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

export const MiB = (bytes: number): number => round(bytes / 1024 / 1024, 1);

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `probe` every `everyMs` until it returns true; throws naming `what` after `timeoutMs`. */
export async function until(probe: () => Promise<boolean> | boolean, what: string, timeoutMs: number, everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
