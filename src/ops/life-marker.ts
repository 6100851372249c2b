import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What herald keeps of its own life on its data volume (docs/faults.md, "An empty Redis at start"). */
export interface Life {
  /** The Redis key prefix herald ran with: one marker per herald installation. */
  prefix: string;
  /** When herald first started against this Redis prefix, and the epoch it last knew there. */
  firstStartedAt: string;
  epoch: string;
  updatedAt: string;
}

/**
 * A small file outside Redis saying that herald has run with this prefix before. Redis holding no
 * epoch marker while this file exists is a Redis that forgot, not a first start: the one case the
 * epoch marker alone cannot tell (Redis and herald restarted together on an empty Redis).
 */
export class LifeMarker {
  readonly path: string;

  constructor(dir: string, prefix: string) {
    // A prefix may hold a Cluster hash tag ({herald}) or other characters a file name should not.
    this.path = join(dir, `herald-life-${prefix.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
  }

  /** The marker, or null when herald never ran here (no file). Any other failure to read it throws. */
  async read(): Promise<Life | null> {
    try {
      return JSON.parse(await readFile(this.path, 'utf8')) as Life;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  /** Notes the epoch herald runs under now; written whole (a temporary file renamed), so a crash leaves the old one. */
  async write(prefix: string, epoch: string, now = new Date()): Promise<void> {
    const before = await this.read().catch(() => null);
    if (before?.epoch === epoch) return;
    const life: Life = { prefix, firstStartedAt: before?.firstStartedAt ?? now.toISOString(), epoch, updatedAt: now.toISOString() };
    await mkdir(join(this.path, '..'), { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(life)}\n`);
    await rename(temporary, this.path);
  }
}
