import type { Logger } from 'pino';
import type { RecentPost } from '../publish/publisher.ts';
import type { Life, LifeMarker } from './life-marker.ts';

/**
 * An empty Redis at start (no epoch marker, no incidents) is either herald's first start or a
 * Redis that forgot while herald was down too; only the second must hold posting, or re-sent opens
 * become second roots. herald tells them apart by its life marker on its data volume and, where
 * that is missing, by each account's own recent posts (docs/faults.md, "An empty Redis at start").
 */

/** Posts older than this do not make an empty Redis a loss: no thread of theirs is likely still live. */
export const RECENT_POSTS_DAYS = 30;

/** One read of an account's own latest posts, within its read budget (publish/reconcile.ts `readOwnPosts`). */
export interface OwnPostsReader {
  id: string;
  read(): Promise<RecentPost[]>;
}

/** What one account's timeline showed: how many recent posts, or why it could not be read. */
export type AccountLook = { account: string; recent: number } | { account: string; unread: string };

export interface EmptyStartVerdict {
  lost: boolean;
  /** In words for the log, the hold and `/healthz`. */
  reason: string;
  looks: AccountLook[];
}

/** Pure: whether an empty Redis is a loss, from the life marker and the accounts' recent posts. */
export function judgeEmptyStart(marker: Pick<Life, 'firstStartedAt'> | null, looks: readonly AccountLook[], markerPath: string): EmptyStartVerdict {
  if (marker) {
    return { lost: true, looks: [...looks], reason: `Redis is empty, but herald's life marker (${markerPath}) says herald has run against it since ${marker.firstStartedAt}: Redis forgot herald's data while herald was down` };
  }
  const posted = looks.flatMap((l) => ('recent' in l && l.recent > 0 ? [`${l.account} (${l.recent})`] : []));
  if (posted.length > 0) {
    return { lost: true, looks: [...looks], reason: `Redis is empty and herald has no life marker, but account(s) ${posted.join(', ')} posted in the last ${RECENT_POSTS_DAYS} days: taken for a Redis that forgot, not a first start` };
  }
  const unread = looks.filter((l) => 'unread' in l).map((l) => l.account);
  return {
    lost: false,
    looks: [...looks],
    reason: unread.length > 0
      ? `Redis is empty and herald has no life marker; the recent posts of ${unread.join(', ')} could not be read, so this is taken for a first start`
      : 'Redis is empty, herald has no life marker and no account posted recently: a first start',
  };
}

/** Posts no older than RECENT_POSTS_DAYS (one without a date counts: it may be recent). */
export const recentCount = (posts: readonly RecentPost[], nowMs: number): number =>
  posts.filter((p) => !p.createdAt || nowMs - Date.parse(p.createdAt) <= RECENT_POSTS_DAYS * 86_400_000).length;

/**
 * Looks once: the marker first (a marker settles it, no read is spent), else one read of each
 * account's own posts. A marker that cannot be read or a timeline that cannot be read is logged as
 * an error, never skipped silently.
 */
export async function checkEmptyStart(deps: { life?: LifeMarker; readers: readonly OwnPostsReader[]; logger: Logger; nowMs?: number }): Promise<EmptyStartVerdict> {
  const nowMs = deps.nowMs ?? Date.now();
  let marker: Life | null = null;
  try {
    marker = (await deps.life?.read()) ?? null;
  } catch (err) {
    deps.logger.error({ path: deps.life?.path, err: err instanceof Error ? err.message : String(err) }, "could not read herald's life marker on its data volume (HERALD_DATA_DIR); judging the empty Redis by the accounts' recent posts alone");
  }
  const looks = marker
    ? []
    : await Promise.all(
        deps.readers.map(async (reader): Promise<AccountLook> => {
          try {
            return { account: reader.id, recent: recentCount(await reader.read(), nowMs) };
          } catch (err) {
            return { account: reader.id, unread: err instanceof Error ? err.message : String(err) };
          }
        }),
      );
  const verdict = judgeEmptyStart(marker, looks, deps.life?.path ?? 'none');
  for (const look of looks) {
    if ('unread' in look) {
      deps.logger.error({ account: look.account, reason: look.unread, lifeMarker: false }, `Redis is empty at start and the recent posts of account ${look.account} could not be read (${look.unread}); with no life marker either, this is taken for a first start: if herald posted before, watch for second roots`);
    }
  }
  return verdict;
}
