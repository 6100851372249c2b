/**
 * The status page as JSON in the shape of Statuspage's v2 summary (`/api/v2/summary.json`), which
 * status aggregators read: the page, one component per feature, the unresolved incidents with their
 * posted tweets as updates, upcoming and ongoing maintenance, and an overall indicator. Built from
 * the same view as the page, so it says only what followers already saw. Pure.
 */
import type { Translator } from '../console/i18n.ts';
import { FEATURES, type Feature, type Severity } from '../incidents/model.ts';
import type { ThreadTweet } from '../journal/journal.ts';
import { shownOnPage, windowSummary, type PublicWindow } from '../maintenance/public.ts';
import type { PublicIncident, StatusView } from './view.ts';

export interface SummaryOptions {
  /** The account's id, or `default` for the page at `/status`. */
  pageId: string;
  pageUrl: string;
  tr: Translator;
  timezone: string;
  /** `updated_at` when nothing was ever posted: when herald started, so the ETag stays put. */
  emptySince: number;
}

type ComponentStatus = 'operational' | 'degraded_performance' | 'partial_outage' | 'major_outage';
type Impact = 'none' | 'minor' | 'major' | 'critical';

/** Statuspage's own words for each overall indicator, which aggregators show as they are. */
const DESCRIPTION: Record<Impact, string> = {
  none: 'All Systems Operational',
  minor: 'Minor Service Outage',
  major: 'Partial System Outage',
  critical: 'Major System Outage',
};
const COMPONENT_STATUS: Record<Severity, ComponentStatus> = { minor: 'degraded_performance', major: 'partial_outage', critical: 'major_outage' };
const RANK: readonly Impact[] = ['none', 'minor', 'major', 'critical'];
const worst = (impacts: readonly Impact[]): Impact => impacts.reduce<Impact>((a, b) => (RANK.indexOf(b) > RANK.indexOf(a) ? b : a), 'none');

const updates = (tweets: readonly ThreadTweet[], status: (t: ThreadTweet) => string) =>
  [...tweets].reverse().map((t) => ({ id: t.id, status: status(t), body: t.text, created_at: t.postedAt }));

function incident(i: PublicIncident, pageUrl: string) {
  const status = i.ongoing ? (i.phase ?? 'investigating') : 'resolved';
  return {
    id: i.id,
    name: i.tweets[0]!.text.split('\n')[0]!,
    status,
    impact: i.severity satisfies Impact,
    created_at: i.tweets[0]!.postedAt,
    updated_at: i.updatedAt,
    started_at: i.startedAt,
    resolved_at: i.endedAt ?? null,
    shortlink: i.tweets[0]!.url ?? `${pageUrl}#t-${i.id}`,
    components: i.features,
    // The latest first, as Statuspage lists them; a resolution tweet is the `resolved` update.
    incident_updates: updates(i.tweets, (t) => (t.kind === 'resolved' ? 'resolved' : status)),
  };
}

const MAINTENANCE_STATUS: Record<'upcoming' | 'ongoing', string> = { upcoming: 'scheduled', ongoing: 'in_progress' };

function maintenance(w: PublicWindow, o: SummaryOptions) {
  const status = MAINTENANCE_STATUS[w.state as 'upcoming' | 'ongoing'];
  return {
    id: w.id,
    name: windowSummary(w, o.tr),
    status,
    impact: 'maintenance',
    scheduled_for: w.startsAt,
    scheduled_until: w.endsAt,
    updated_at: w.changedAt,
    shortlink: w.tweets[0]?.url ?? `${o.pageUrl}#m-${w.id}`,
    incident_updates: updates(w.tweets, () => status),
  };
}

export function renderSummary(view: StatusView, o: SummaryOptions) {
  const affected = new Map<Feature, Impact>();
  for (const i of view.current) for (const f of i.features) affected.set(f, worst([affected.get(f) ?? 'none', i.severity]));
  const indicator = worst(view.current.map((i) => i.severity));
  const updatedAt = view.updatedAt ?? new Date(o.emptySince).toISOString();
  const page = { id: o.pageId, name: o.tr.t('status.title'), url: o.pageUrl, time_zone: o.timezone, updated_at: updatedAt };
  return {
    page,
    components: FEATURES.map((feature, position) => {
      const impact = affected.get(feature);
      return {
        id: feature,
        name: o.tr.t(`names.feature.${feature}`),
        status: impact && impact !== 'none' ? COMPONENT_STATUS[impact] : 'operational',
        position,
        updated_at: updatedAt,
      };
    }),
    incidents: view.current.map((i) => incident(i, o.pageUrl)),
    scheduled_maintenances: view.maintenance.filter(shownOnPage).map((w) => maintenance(w, o)),
    status: { indicator, description: DESCRIPTION[indicator] },
  };
}
