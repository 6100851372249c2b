import type { AlertMark } from './alert-rules.ts';
import { HeraldError } from '../errors.ts';
import type { Incident } from './model.ts';

/**
 * Where incidents live. `update` is atomic per incident across every herald process: `change`
 * sees the current value and returns the next one (or null to write nothing), and may be called
 * again if another process changed the incident meanwhile, so it must be pure.
 */
export interface IncidentStore {
  get(key: string): Promise<Incident | null>;
  /** Several incidents in one round trip, in the order of `keys` (those herald no longer has left out). */
  getMany(keys: readonly string[]): Promise<Incident[]>;
  update<T>(key: string, change: (current: Incident | null) => { next: Incident | null; result: T }): Promise<T>;
  /**
   * Like `update`, for events about monitoring alerts: `change` also sees what was last recorded
   * for each of `alertIds` in this incident, and the `marks` it returns are recorded in the same
   * atomic step.
   */
  updateForAlerts<T>(
    key: string,
    alertIds: readonly string[],
    change: (current: Incident | null, marks: ReadonlyMap<string, AlertMark>) => { next: Incident | null; result: T; marks?: ReadonlyMap<string, AlertMark> },
  ): Promise<T>;
  /** Keys of incidents that are open or still have posts to deliver. */
  activeKeys(): Promise<string[]>;
  /** Most recently seen incidents first, skipping the first `offset` (a page of the console's list). */
  recentKeys(limit: number, offset?: number): Promise<string[]>;
}

/** A request named an incident herald does not have (or no longer has: docs/operations.md, retention). */
export class IncidentNotFound extends HeraldError {
  override readonly name = 'IncidentNotFound';
  constructor(key: string, what = 'incident') {
    super('HERALD_NOT_FOUND', `no ${what} with key ${key}`);
  }
}

/** The incident kept changing under every attempt to update it; a retry in a moment can help. */
export class ConcurrentUpdateError extends HeraldError {
  override readonly name = 'ConcurrentUpdateError';
  constructor(message: string) {
    super('HERALD_CONCURRENT_UPDATE', message);
  }
}

/**
 * Incidents read at once. A batch costs a handful of Redis commands whatever its size (one MGET,
 * one EXISTS and one ZMSCORE over its jobs), where reading them one by one cost a GET and a
 * job-state script of up to eight commands per post: about 40,000 commands in a second or two
 * with 5,000 incidents open (docs/faults.md, "Thousands of open incidents").
 */
export const SWEEP_BATCH = 500;

/** Calls `each` with the active incidents, `SWEEP_BATCH` at a time (read by MGET, not one GET each). */
export async function forActiveBatches(store: IncidentStore, each: (incidents: Incident[]) => Promise<void>): Promise<void> {
  const keys = await store.activeKeys();
  for (let i = 0; i < keys.length; i += SWEEP_BATCH) await each(await store.getMany(keys.slice(i, i + SWEEP_BATCH)));
}
