import type { Logger } from 'pino';
import type { Incident } from '../model.ts';

/**
 * Retention: an incident that has been settled (resolved, nothing left to post) for longer than
 * `HERALD_RETENTION_DAYS` leaves Redis, record and index entries alike, so memory stays bounded
 * however many outages herald sees (docs/benchmarks.md measures it). Open incidents and incidents
 * with a post still to deliver are never expired. Before an incident goes, its journal-relevant
 * fields are handed to `onExpired` (by default one structured log line each).
 */
export interface ExpiringStore {
  expireSettled(cutoffMs: number, limit: number): Promise<{ examined: number; expired: Incident[] }>;
}

export interface RetentionOptions {
  store: ExpiringStore;
  retentionMs: number;
  logger: Logger;
  now?: () => number;
  /** Incidents looked at per Redis round; the pass goes on until none is old enough. */
  batch?: number;
  onExpired?: (summary: ExpiredIncident) => void;
}

/** What is kept of an incident once it leaves Redis: what happened, when, and what was said. */
export interface ExpiredIncident {
  incident: string;
  service: string;
  feature: string;
  severity: string;
  openedAt: string;
  resolvedAt: string | null;
  firstSeenAt: string;
  events: number;
  tweets: { kind: string; tweetId: string; inReplyTo: string | null; postedAt: string | null }[];
}

export function expiredSummary(incident: Incident): ExpiredIncident {
  return {
    incident: incident.key,
    service: incident.service,
    feature: incident.feature,
    severity: incident.severity,
    openedAt: incident.openedAt,
    resolvedAt: incident.resolvedAt ?? null,
    firstSeenAt: incident.firstSeenAt,
    events: incident.events,
    tweets: incident.posts
      .filter((p) => p.status === 'posted' && p.tweetId)
      .map((p) => ({ kind: p.kind, tweetId: p.tweetId!, inReplyTo: p.inReplyTo ?? null, postedAt: p.postedAt ?? null })),
  };
}

/** One pass: expires every incident settled for longer than the retention. Returns how many went. */
export async function expireOldIncidents(options: RetentionOptions): Promise<number> {
  const batch = options.batch ?? 500;
  const cutoff = (options.now ?? Date.now)() - options.retentionMs;
  const onExpired = options.onExpired ?? ((summary) => options.logger.info(summary, 'incident expired: settled for longer than the retention'));
  let total = 0;
  for (;;) {
    const { examined, expired } = await options.store.expireSettled(cutoff, batch);
    for (const incident of expired) onExpired(expiredSummary(incident));
    total += expired.length;
    if (examined < batch) return total;
  }
}
