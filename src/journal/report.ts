/**
 * The period report: the incidents first seen in a period, with how long each lasted, how fast it
 * was announced and what users lost. Pure, apart from `loadPeriod`, which reads the store.
 */
import { DateTime } from 'luxon';
import { z } from 'zod';
import stringWidth from 'string-width';
import type { CliSpeech as Speech } from '../cli-command.ts';
import { formatDuration } from '../compose/locale-format.ts';
import { formatMoment } from '../compose/reader-time.ts';
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

/** Minutes as the reader says them ("1시간 12분", "1 hour and 12 minutes"); none at all as a dash. */
const minutesIn = (minutes: number, locale: string) => (minutes > 0 ? formatDuration(minutes, locale) : '—');

/**
 * The report as a plain-text table for the terminal, in the reader's words and clock (the one
 * reader-time formatter: no seconds, no offset). Columns are padded by display width, so Korean
 * and Japanese cells, two columns wide each, still line up.
 */
export function reportText(report: PeriodReport, { tr, clock }: Speech): string {
  const { locale } = clock;
  const seconds = (value: number | null) => (value === null ? '—' : tr.t('cli.report.seconds', { seconds: value }));
  const header = (['opened', 'key', 'service', 'feature', 'severity', 'lasted', 'announcedAfter', 'tweets'] as const).map((c) => tr.t(`cli.report.col.${c}`));
  const rows = report.incidents.map((r) => [
    formatMoment(r.openedAt, clock),
    r.key,
    r.service,
    tr.maybe(`names.feature.${r.feature}`) ?? r.feature,
    tr.maybe(`names.severity.${r.severity}`) ?? r.severity,
    r.durationMinutes === null ? tr.t('cli.report.stillOpen') : minutesIn(r.durationMinutes, locale),
    seconds(r.timeToAnnounceSeconds),
    String(r.tweets),
  ]);
  const widths = header.map((h, i) => Math.max(stringWidth(h), ...rows.map((r) => stringWidth(r[i]!))));
  const line = (cells: string[]) => cells.map((c, i) => c + ' '.repeat(widths[i]! - stringWidth(c))).join('  ').trimEnd();
  const s = report.summary;
  const features =
    Object.entries(s.byFeature)
      .map(([f, v]) => tr.t('cli.report.featureLine', { feature: tr.maybe(`names.feature.${f}`) ?? f, incidents: v.incidents, duration: minutesIn(v.durationMinutes, locale) }))
      .join(', ') || tr.t('cli.report.noFeatures');
  return [
    tr.t('cli.report.title', { from: formatMoment(report.from, clock), to: formatMoment(report.to, clock) }),
    '',
    line(header),
    ...rows.map(line),
    '',
    tr.t('cli.report.counts', { incidents: s.incidents, announced: s.announced, silent: s.silent, open: s.open }),
    tr.t('cli.report.times', { total: minutesIn(s.totalDurationMinutes, locale), median: seconds(s.medianTimeToAnnounceSeconds), worst: seconds(s.worstTimeToAnnounceSeconds) }),
    tr.t('cli.report.byFeature', { features }),
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
