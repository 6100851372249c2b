/**
 * Serialises work per key inside one process and applies what queued up meanwhile in one go. The
 * incident worker runs many jobs at once; in an alert storm they all touch the same incident, and
 * letting each race for the store's compare-and-set would waste nearly every attempt. Across
 * processes the compare-and-set still keeps updates atomic; this only removes the contention.
 */
export class Coalescer<T, R> {
  private readonly pending = new Map<string, { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[]>();

  /** `apply` gets every item queued for `key` since its last run, oldest first. */
  constructor(private readonly apply: (key: string, items: T[]) => Promise<R>) {}

  submit(key: string, item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const queued = this.pending.get(key);
      if (queued) {
        queued.push({ item, resolve, reject });
        return;
      }
      this.pending.set(key, [{ item, resolve, reject }]);
      void this.drain(key);
    });
  }

  private async drain(key: string): Promise<void> {
    // Yield once so jobs started in the same tick join the first batch.
    await Promise.resolve();
    for (;;) {
      const batch = this.pending.get(key) ?? [];
      if (batch.length === 0) {
        this.pending.delete(key);
        return;
      }
      this.pending.set(key, []);
      try {
        const result = await this.apply(
          key,
          batch.map((b) => b.item),
        );
        for (const b of batch) b.resolve(result);
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
  }
}
