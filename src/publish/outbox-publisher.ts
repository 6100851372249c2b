/**
 * The dry-run publisher: instead of posting to X, appends each post to a JSON Lines file that the
 * status page and tests read back. Threads keep their shape, so a dry run shows what X would show.
 */
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { postLogger, type PublishedPost, type Publisher, type PublishRequest, type RecentPost } from './publisher.ts';

/** One line of the outbox file. */
export interface OutboxEntry {
  /** `dry-<time>-<random>`: unique across processes and restarts, sorts by time. */
  id: string;
  text: string;
  /** Id of the entry this one replies under; null for a thread's root. */
  inReplyTo: string | null;
  /** ISO time of the append. */
  postedAt: string;
}

export interface OutboxPublisherOptions {
  /** Default `data/outbox.jsonl` (relative to the working directory); the directory is created. */
  path?: string;
  logger?: Logger;
}

export const DEFAULT_OUTBOX_PATH = 'data/outbox.jsonl';

/** Publishes to a local file instead of X (mode `dry-run`). */
export class OutboxPublisher implements Publisher {
  readonly mode = 'dry-run';
  readonly path: string;
  private readonly logger: Logger | undefined;

  constructor(options: OutboxPublisherOptions = {}) {
    this.path = options.path ?? DEFAULT_OUTBOX_PATH;
    this.logger = options.logger?.child({ publisher: 'dry-run' });
  }

  async post({ text, inReplyTo, log }: PublishRequest): Promise<PublishedPost> {
    const entry: OutboxEntry = { id: newOutboxId(), text, inReplyTo: inReplyTo ?? null, postedAt: new Date().toISOString() };
    await mkdir(dirname(this.path), { recursive: true });
    // One append of one whole line: O_APPEND keeps lines from several processes from interleaving.
    await appendFile(this.path, `${JSON.stringify(entry)}\n`, { encoding: 'utf8', flag: 'a' });
    postLogger({ log }, 'dry-run', this.logger)?.info({ tweetId: entry.id, inReplyTo: entry.inReplyTo, text }, 'dry run: not posted to X');
    return { id: entry.id, text, postedAt: entry.postedAt };
  }

  /** The latest entries, newest first. */
  async recentPosts(limit: number): Promise<RecentPost[]> {
    if (limit <= 0) return [];
    const entries = await readOutbox(this.path);
    return entries
      .slice(-limit)
      .reverse()
      .map(({ id, text, inReplyTo, postedAt }) => ({ id, text, ...(inReplyTo !== null && { inReplyTo }), ...(postedAt && { createdAt: postedAt }) }));
  }
}

/**
 * Every entry of an outbox file, oldest first; `[]` when the file does not exist yet. A line that
 * does not parse (a writer killed mid-append) is skipped rather than hiding the rest.
 */
export async function readOutbox(path: string): Promise<OutboxEntry[]> {
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const entries: OutboxEntry[] = [];
  for (const line of content.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const entry = JSON.parse(line) as Partial<OutboxEntry>;
      if (typeof entry.id === 'string' && typeof entry.text === 'string') {
        entries.push({ id: entry.id, text: entry.text, inReplyTo: entry.inReplyTo ?? null, postedAt: entry.postedAt ?? '' });
      }
    } catch {
      // torn line: skip it
    }
  }
  return entries;
}

/** Milliseconds in base36 (fixed width until 2059, so ids sort by time) plus 32 random bits. */
function newOutboxId(): string {
  return `dry-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}
