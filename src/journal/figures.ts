/**
 * The figures asked of every incident (time to announce, how long it lasted), from its record
 * alone. Pure: used by the metrics, the journal and the period report alike.
 */
import type { Incident, Post } from '../incidents/model.ts';

/** The incident's first announcement, once it is live. */
export function announcement(incident: Incident): Post | undefined {
  return incident.posts.find((p) => p.kind === 'open' && p.status === 'posted' && p.postedAt !== undefined);
}

/** First alert received to announcement live, in milliseconds; undefined while nothing was announced. */
export function timeToAnnounceMs(incident: Incident): number | undefined {
  const post = announcement(incident);
  if (!post?.postedAt) return undefined;
  return Math.max(0, Date.parse(post.postedAt) - Date.parse(incident.firstSeenAt));
}

/** How long the outage lasted as monitoring reported it; undefined while it is open. */
export function durationMs(incident: Incident): number | undefined {
  if (incident.state !== 'resolved' || !incident.resolvedAt) return undefined;
  return Math.max(0, Date.parse(incident.resolvedAt) - Date.parse(incident.openedAt));
}

/** What every listing of an incident states: who, what, when, how long, how fast it was announced. */
export interface IncidentSummary {
  key: string;
  service: string;
  feature: string;
  severity: string;
  state: string;
  openedAt: string;
  resolvedAt: string | null;
  durationMinutes: number | null;
  timeToAnnounceSeconds: number | null;
}

const rounded = (ms: number | undefined, unit: number) => (ms === undefined ? null : Math.round(ms / unit));

export function summarize(incident: Incident): IncidentSummary {
  return {
    key: incident.key,
    service: incident.service,
    feature: incident.feature,
    severity: incident.severity,
    state: incident.state,
    openedAt: incident.openedAt,
    resolvedAt: incident.resolvedAt ?? null,
    durationMinutes: rounded(durationMs(incident), 60_000),
    timeToAnnounceSeconds: rounded(timeToAnnounceMs(incident), 1000),
  };
}
