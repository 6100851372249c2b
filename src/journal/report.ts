/**
 * The period report: the incidents first seen in a period, with how long each lasted, how fast it
 * was announced and what users lost. Pure, apart from `loadPeriod`, which reads the store.
 */
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Incident } from '../incidents/model.ts';
import { announcement, summarize, type IncidentSummary } from './figures.ts';

export const MAX_PERIOD_DAYS = 400;

export interface Period {
  from: DateTime;
  to: DateTime;
}

/** An ISO date (`2026-04-01`, read in `timezone`) or date-time with an offset. */
const isoMoment = (timezone: string) =>
  z.string().transform((text, ctx) => {
    const value = DateTime.fromISO(text, { zone: timezone, setZone: false });
    if (!value.isValid || !/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z))?$/.test(text)) {
      ctx.addIssue({ code: 'custom', message: 'an ISO date such as 2026-04-01, or a date-time with an offset' });
      return z.NEVER;
    }
    return value;
  });

export function periodSchema(timezone: string) {
  return z
    .object({ from: isoMoment(timezone), to: isoMoment(timezone) })
    .strict()
    .refine((p) => p.from < p.to, { message: 'must be later than from', path: ['to'] })
    .refine((p) => p.to.diff(p.from, 'days').days <= MAX_PERIOD_DAYS, { message: `a period of at most ${MAX_PERIOD_DAYS} days`, path: ['to'] });
}

export interface ReportRow extends IncidentSummary {
  announced: boolean;
  tweets: number;
}

export interface PeriodReport {
  from: string;
  to: string;
  incidents: ReportRow[];
  summary: {
    incidents: number;
    announced: number;
    /** Resolved before anything was posted (within the grace period). */
    silent: number;
    open: number;
    totalDurationMinutes: number;
    medianTimeToAnnounceSeconds: number | null;
    worstTimeToAnnounceSeconds: number | null;
    byFeature: Record<string, { incidents: number; durationMinutes: number }>;
  };
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}

export function periodReport(incidents: readonly Incident[], period: Period): PeriodReport {
  const rows: ReportRow[] = [...incidents]
    .sort((a, b) => Date.parse(a.firstSeenAt) - Date.parse(b.firstSeenAt))
    .map((i) => ({
      ...summarize(i),
      announced: announcement(i) !== undefined,
      tweets: i.posts.filter((p) => p.status === 'posted').length,
    }));
  const byFeature: PeriodReport['summary']['byFeature'] = {};
  for (const row of rows) {
    const f = (byFeature[row.feature] ??= { incidents: 0, durationMinutes: 0 });
    f.incidents++;
    f.durationMinutes += row.durationMinutes ?? 0;
  }
  const times = rows.flatMap((r) => (r.timeToAnnounceSeconds === null ? [] : [r.timeToAnnounceSeconds]));
  return {
    from: period.from.toISO()!,
    to: period.to.toISO()!,
    incidents: rows,
    summary: {
      incidents: rows.length,
      announced: rows.filter((r) => r.announced).length,
      silent: rows.filter((r) => r.state === 'resolved' && r.tweets === 0).length,
      open: rows.filter((r) => r.state === 'open').length,
      totalDurationMinutes: rows.reduce((sum, r) => sum + (r.durationMinutes ?? 0), 0),
      medianTimeToAnnounceSeconds: median(times),
      worstTimeToAnnounceSeconds: times.length ? Math.max(...times) : null,
      byFeature,
    },
  };
}

/** The report as a plain-text table for the terminal. */
export function reportText(report: PeriodReport): string {
  const header = ['opened', 'key', 'service', 'feature', 'severity', 'lasted', 'announced after', 'tweets'];
  const rows = report.incidents.map((r) => [
    r.openedAt,
    r.key,
    r.service,
    r.feature,
    r.severity,
    r.durationMinutes === null ? r.state : `${r.durationMinutes} min`,
    r.timeToAnnounceSeconds === null ? '—' : `${r.timeToAnnounceSeconds} s`,
    String(r.tweets),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const s = report.summary;
  const features = Object.entries(s.byFeature).map(([f, v]) => `${f} ${v.incidents} (${v.durationMinutes} min)`).join(', ') || 'none';
  return [
    `Incidents first seen from ${report.from} to ${report.to}`,
    '',
    line(header),
    ...rows.map(line),
    '',
    `${s.incidents} incident(s): ${s.announced} announced, ${s.silent} resolved before anything was posted, ${s.open} still open`,
    `total outage time ${s.totalDurationMinutes} min; time to announce median ${s.medianTimeToAnnounceSeconds ?? '—'} s, worst ${s.worstTimeToAnnounceSeconds ?? '—'} s`,
    `by feature: ${features}`,
    '',
  ].join('\n');
}

/** What the report reads: keys by when herald first saw them, then each incident. */
export interface ReportSource {
  keysSeenBetween(fromMs: number, toMs: number): Promise<string[]>;
  get(key: string): Promise<Incident | null>;
}

export async function loadPeriod(source: ReportSource, period: Period): Promise<PeriodReport> {
  const keys = await source.keysSeenBetween(period.from.toMillis(), period.to.toMillis());
  const incidents = await Promise.all(keys.map((k) => source.get(k)));
  return periodReport(incidents.filter((i): i is Incident => i !== null), period);
}
