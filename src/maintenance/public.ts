/**
 * What the public sees of scheduled maintenance: upcoming and ongoing windows on the status page
 * and its feed, and every recent window in an iCalendar feed (ical-generator) people can subscribe
 * to. Only what staff entered and herald posted: the service name (checked as a public name when
 * scheduled), the times and the thread's tweets. Pure.
 */
import { DateTime } from 'luxon';
import ical, { ICalEventStatus } from 'ical-generator';
import type { AccountId } from '../incidents/accounts.ts';
import type { Incident } from '../incidents/model.ts';
import { postedTweets, type ThreadTweet, type TweetLink } from '../journal/journal.ts';
import { effectiveEnd, isMaintenance, windowState } from './window.ts';

export interface PublicWindow {
  /** Anchor on the page and UID in the calendar. */
  id: string;
  service: string;
  state: 'upcoming' | 'ongoing' | 'done' | 'cancelled';
  startsAt: string;
  endsAt: string;
  /** When the window was last changed (ISO), for calendar clients. */
  changedAt: string;
  /** How many times it changed, for calendar clients (SEQUENCE). */
  changes: number;
  tweets: ThreadTweet[];
}

export type Locale = 'ko' | 'en' | 'ja';

export const MAINTENANCE_LABELS: Record<Locale, { section: string; upcoming: string; ongoing: string; calendar: string; summary: (service: string) => string }> = {
  ko: { section: '예정된 점검', upcoming: '예정', ongoing: '점검 중', calendar: '점검 일정 캘린더(iCalendar)', summary: (s) => `${s} 점검` },
  en: { section: 'Scheduled maintenance', upcoming: 'Upcoming', ongoing: 'In progress', calendar: 'Maintenance calendar (iCalendar)', summary: (s) => `${s} maintenance` },
  ja: { section: 'メンテナンスのお知らせ', upcoming: '予定', ongoing: 'メンテナンス中', calendar: 'メンテナンス予定のカレンダー（iCalendar）', summary: (s) => `${s}のメンテナンス` },
};

/** How long a finished or cancelled window stays in the calendar feed. */
const CALENDAR_DAYS = 30;

const STATE: Record<ReturnType<typeof windowState>, PublicWindow['state']> = {
  scheduled: 'upcoming',
  announced: 'upcoming',
  'in-progress': 'ongoing',
  done: 'done',
  cancelled: 'cancelled',
};

/** Every window among `incidents`, soonest start first, with the account's own tweets. */
export function publicWindows(incidents: readonly Incident[], nowMs: number, link: TweetLink, account: AccountId): PublicWindow[] {
  return incidents
    .filter(isMaintenance)
    .map((incident) => {
      const window = incident.maintenance;
      const audit = incident.audit ?? [];
      return {
        id: incident.key,
        service: window.service,
        state: STATE[windowState(incident, nowMs)],
        startsAt: window.startsAt,
        endsAt: effectiveEnd(window),
        changedAt: audit.at(-1)?.at ?? window.createdAt,
        changes: Math.max(0, audit.length - 1),
        tweets: postedTweets(incident, link, { account }),
      };
    })
    .sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
}

export const shownOnPage = (w: PublicWindow): boolean => w.state === 'upcoming' || w.state === 'ongoing';

/** The page's maintenance section; empty when nothing is upcoming or ongoing. */
export function maintenanceSection(windows: readonly PublicWindow[], o: { locale: Locale; timezone: string; calendarPath: string; escape: (s: string) => string }): string {
  const shown = windows.filter(shownOnPage);
  const labels = MAINTENANCE_LABELS[o.locale];
  const when = (iso: string) => DateTime.fromISO(iso, { zone: o.timezone }).setLocale(o.locale).toLocaleString({ ...DateTime.DATETIME_MED, timeZoneName: 'short' });
  const calendar = `<p><a href="${o.escape(o.calendarPath)}">${o.escape(labels.calendar)}</a></p>`;
  if (shown.length === 0) return '';
  const items = shown.map(
    (w) =>
      `<article id="m-${o.escape(w.id)}" class="maintenance ${w.state === 'ongoing' ? 'ongoing' : ''}"><p><span class="state">${o.escape(w.state === 'ongoing' ? labels.ongoing : labels.upcoming)}</span> · ${o.escape(labels.summary(w.service))}</p><p><time datetime="${o.escape(w.startsAt)}">${o.escape(when(w.startsAt))}</time> – <time datetime="${o.escape(w.endsAt)}">${o.escape(when(w.endsAt))}</time></p>${w.tweets.map((t) => `<blockquote>${o.escape(t.text)}</blockquote>`).join('')}</article>`,
  );
  return `<section><h2>${o.escape(labels.section)}</h2>${items.join('\n')}${calendar}</section>`;
}

/** One Atom entry per upcoming or ongoing window (the library escapes nothing: `escape` does). */
export function maintenanceFeedItems(windows: readonly PublicWindow[], o: { pageUrl: string; locale: string }) {
  const labels = MAINTENANCE_LABELS[(o.locale in MAINTENANCE_LABELS ? o.locale : 'en') as Locale];
  const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return windows.filter(shownOnPage).map((w) => ({
    id: `${o.pageUrl}#m-${w.id}`,
    title: escape(`${w.state === 'ongoing' ? labels.ongoing : labels.upcoming}: ${labels.summary(w.service)} (${w.startsAt} – ${w.endsAt})`),
    link: `${o.pageUrl}#m-${encodeURIComponent(w.id)}`,
    content: w.tweets.map((t) => escape(t.text).replaceAll('\n', '<br>')).join('<hr>') || escape(labels.summary(w.service)),
    date: new Date(w.tweets.at(-1)?.postedAt ?? w.changedAt),
  }));
}

/** The iCalendar feed: upcoming, ongoing and recent windows; cancelled ones stay, marked cancelled, so subscribed calendars drop them. */
export function maintenanceCalendar(windows: readonly PublicWindow[], o: { locale: Locale; pageUrl: string; nowMs: number; name: string }): string {
  const labels = MAINTENANCE_LABELS[o.locale];
  const since = o.nowMs - CALENDAR_DAYS * 24 * 3600_000;
  const calendar = ical({ name: o.name, prodId: { company: 'herald', product: 'maintenance', language: o.locale.toUpperCase() }, url: o.pageUrl, ttl: 15 * 60 });
  for (const w of windows.filter((w) => Date.parse(w.endsAt) >= since)) {
    calendar.createEvent({
      id: `${w.id}@herald`,
      start: new Date(w.startsAt),
      end: new Date(w.endsAt),
      stamp: new Date(w.changedAt),
      lastModified: new Date(w.changedAt),
      sequence: w.changes,
      summary: labels.summary(w.service),
      description: w.tweets.map((t) => t.text).join('\n\n') || null,
      url: `${o.pageUrl}#m-${encodeURIComponent(w.id)}`,
      status: w.state === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    });
  }
  return calendar.toString();
}
