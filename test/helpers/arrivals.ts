/**
 * What the fake networks share: items a test waits for until enough have arrived, and closing a
 * server with its keep-alive connections.
 */
import type http from 'node:http';

export class Arrivals<T> {
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly items: T[],
    /** Names the fake and the items in a timeout's message, e.g. `fake Bluesky`, `posts`. */
    private readonly what: { fake: string; items: string; show: (item: T) => unknown },
  ) {}

  /** Call after adding an item: wakes whoever waits for a count it now reaches. */
  arrived(): void {
    for (const wake of this.waiters) wake();
  }

  /** Resolves with a copy of the items once there are `n`; rejects after `timeoutMs`. */
  waitFor(n: number, timeoutMs = 10_000): Promise<T[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.items.length < n) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve([...this.items]);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        const { fake, items, show } = this.what;
        reject(new Error(`${fake}: ${this.items.length} of ${n} ${items} after ${timeoutMs} ms: ${JSON.stringify(this.items.map(show))}`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }
}

export const closeServer = (server: http.Server): Promise<void> =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
