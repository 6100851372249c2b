import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { IncidentStore } from '../incidents/store.ts';
import type { AccountState } from '../publish/account-state.ts';
import type { RedisClient } from '../redis/connect.ts';
import { checkEmptyStart, type OwnPostsReader } from './empty-start.ts';
import { KnownThreads } from './known-threads.ts';
import type { LifeMarker } from './life-marker.ts';

/**
 * Noticing a Redis that forgot (restarted without persistence, a failover to an empty replica, a
 * FLUSHALL by mistake). herald writes an epoch marker once and every process checks it at start,
 * on every reconnect and every `intervalMs`: a marker gone or changed means herald's records are
 * gone, so posting is held for a person (AccountState.hold) on every account of every network rather
 * than risking a second root or a resolution with no thread. docs/faults.md says what an operator
 * does then.
 */

/** Active incidents remembered between checks, to tell a person what Redis no longer knows. */
const REMEMBERED = 200;

export interface EpochWatchDeps {
  redis: RedisClient;
  prefix: string;
  store: Pick<IncidentStore, 'get' | 'activeKeys' | 'recentKeys'>;
  /** Every account's hold on every network (publish/account-state.ts): a loss holds each, listing its own roots. */
  accounts: readonly Pick<AccountState, 'hold' | 'id' | 'noteStartCheck'>[];
  /** herald's marker of its own life on its data volume: an empty Redis while it exists is a loss (ops/life-marker.ts). */
  life?: LifeMarker;
  /** One read of each account's own recent posts, for an empty Redis with no life marker (ops/empty-start.ts). */
  readers?: readonly OwnPostsReader[];
  /** What this process knows of each account's threads; the delivery worker notes every post it records. */
  threads?: KnownThreads;
  logger: Logger;
  intervalMs: number;
}

export class EpochWatch {
  private readonly key: string;
  private epoch: string | undefined;
  private readonly known: KnownThreads;
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly deps: EpochWatchDeps) {
    this.key = `${deps.prefix}:epoch`;
    this.known = deps.threads ?? new KnownThreads();
  }

  /**
   * First check at start. An empty Redis is a first start only if herald's life marker and the
   * accounts' own recent posts say so; otherwise it is a loss and every account is held before the
   * epoch marker is written (and before any worker runs: app.ts starts them after this).
   */
  async start(): Promise<void> {
    const marker = await this.deps.redis.get(this.key);
    if (marker) {
      this.epoch = marker;
    } else {
      const hasData = (await this.deps.store.recentKeys(1)).length > 0;
      if (hasData) {
        this.deps.logger.warn({ key: this.key }, "Redis holds herald's incidents but no epoch marker: an upgrade from a herald without one, or data lost earlier; check the incidents in the console");
      } else {
        await this.checkEmpty();
      }
      this.epoch = await this.writeMarker();
    }
    await this.noteLife();
    await this.remember();
  }

  private async checkEmpty(): Promise<void> {
    const verdict = await checkEmptyStart({ life: this.deps.life, readers: this.deps.readers ?? [], logger: this.deps.logger });
    for (const look of verdict.looks) {
      if (!('unread' in look)) continue;
      const account = this.deps.accounts.find((a) => a.id === look.account);
      await account?.noteStartCheck(`${new Date().toISOString()}: Redis was empty at start and this account's recent posts could not be read (${look.unread}); ${verdict.lost ? 'held anyway' : 'with no life marker either, taken for a first start'}`);
    }
    if (!verdict.lost) {
      this.deps.logger.info({ looks: verdict.looks }, verdict.reason);
      return;
    }
    await this.holdEveryAccount(verdict.reason, 'look at each account\'s recent posts for outages still live');
  }

  /** herald's life outside Redis follows the epoch it runs under; a volume that cannot keep it is said loudly. */
  private async noteLife(): Promise<void> {
    if (!this.deps.life || !this.epoch) return;
    try {
      await this.deps.life.write(this.deps.prefix, this.epoch);
    } catch (err) {
      this.deps.logger.error({ path: this.deps.life.path, err: err instanceof Error ? err.message : String(err) }, "could not write herald's life marker on its data volume (HERALD_DATA_DIR): an empty Redis at a later start is judged by the accounts' recent posts alone");
    }
  }

  /** Checks once; overlapping calls (timer and reconnect) share one run. */
  check(): Promise<void> {
    this.running = this.running.then(() => this.checkOnce()).catch((err: unknown) => {
      this.deps.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not check the Redis epoch marker; trying again');
    });
    return this.running;
  }

  /** Resolves once no check is running. */
  idle(): Promise<void> {
    return this.running;
  }

  private async checkOnce(): Promise<void> {
    const marker = await this.deps.redis.get(this.key);
    if (marker !== null && marker === this.epoch) return this.remember();
    const reason = marker === null
      ? "Redis lost herald's data (its epoch marker is gone): Redis restarted empty, failed over to an empty replica, or was flushed"
      : "Redis holds another herald epoch than this process knew: its data was lost and written anew since";
    await this.holdEveryAccount(reason, 'check the incidents listed');
    this.epoch = marker ?? (await this.writeMarker());
    this.known.forget();
    await this.noteLife();
  }

  /** A loss: every account on every network is held, each with its own roots of what this process knew. */
  private async holdEveryAccount(reason: string, look: string): Promise<void> {
    const advice = `${reason}. Posting is held on every account; ${look}, re-attach each account's live root (POST /api/incidents/:key/thread with tweetId and account), then resume each account (POST /api/accounts/:id/resume).`;
    for (const account of this.deps.accounts) {
      const lost = this.known.lostFor(account.id);
      const fresh = await account.hold(advice, lost);
      this.deps.logger.error({ account: account.id, lost: lost.length, incidents: lost.map((l) => l.key), fresh }, `${reason}; every post of account ${account.id} is held until a person resumes it`);
    }
  }

  private async writeMarker(): Promise<string> {
    await this.deps.redis.set(this.key, `${new Date().toISOString()}/${randomUUID()}`, 'NX');
    return (await this.deps.redis.get(this.key))!;
  }

  /** Keeps the active incidents and each account's root, to list them if Redis forgets. */
  private async remember(): Promise<void> {
    const startedAt = this.known.now();
    const keys = (await this.deps.store.activeKeys()).slice(0, REMEMBERED);
    const incidents = await Promise.all(keys.map((key) => this.deps.store.get(key)));
    // Redis may have forgotten after the marker was checked: an answer read from the emptied Redis
    // would wipe the very roots the next check must list. Any loss removes or changes the marker.
    if ((await this.deps.redis.get(this.key)) !== this.epoch) return;
    this.known.replace(incidents.filter((i) => i !== null), startedAt);
  }
}

/** Starts the watch: checks now, on every reconnect and every `intervalMs`. Returns how to stop it. */
export async function startEpochWatch(deps: EpochWatchDeps): Promise<() => Promise<void>> {
  const watch = new EpochWatch(deps);
  await watch.start();
  const onReady = () => void watch.check();
  deps.redis.on('ready', onReady);
  const timer = setInterval(onReady, deps.intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    deps.redis.off('ready', onReady);
    await watch.idle();
  };
}
