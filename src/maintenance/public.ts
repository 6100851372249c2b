/**
 * What the public sees of scheduled maintenance: upcoming and ongoing windows on the status page
 * and its feed, and every recent window in an iCalendar feed (ical-generator) people can subscribe
 * to. Only what staff entered and herald posted: the service name (checked as a public name when
 * scheduled), the times and the thread's tweets. Pure.
 */
import ical, { ICalEventStatus } from 'ical-generator';
import { formatSpan } from '../compose/reader-time.ts';
import type { Translator } from '../console/i18n.ts';
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

/** A window's public state in the reader's words (`status.maintenance.*` in the console catalogs). */
const stateWord = (w: PublicWindow, tr: Translator): string => tr.t(`status.maintenance.${w.state}`);
export const windowSummary = (w: PublicWindow, tr: Translator): string => tr.t('status.maintenance.summary', { service: w.service });

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
export function maintenanceSection(windows: readonly PublicWindow[], o: { tr: Translator; timezone: string; nowMs: number; calendarPath: string; escape: (s: string) => string }): string {
  const shown = windows.filter(shownOnPage);
  const { tr } = o;
  const calendar = `<p><a href="${o.escape(o.calendarPath)}">${o.escape(tr.t('status.maintenance.calendar'))}</a></p>`;
  if (shown.length === 0) return '';
  const span = (w: PublicWindow) => formatSpan(w.startsAt, w.endsAt, { locale: tr.locale, zone: o.timezone }, o.nowMs);
  const items = shown.map(
    (w) =>
      `<article id="m-${o.escape(w.id)}" class="maintenance ${w.state === 'ongoing' ? 'ongoing' : ''}"><p><span class="state">${o.escape(stateWord(w, tr))}</span> · ${o.escape(windowSummary(w, tr))}</p><p><time datetime="${o.escape(w.startsAt)}">${o.escape(span(w))}</time></p>${w.tweets.map((t) => `<blockquote>${o.escape(t.text)}</blockquote>`).join('')}</article>`,
  );
  return `<section><h2>${o.escape(tr.t('status.maintenance.section'))}</h2>${items.join('\n')}${calendar}</section>`;
}

/**
 * The feed's maintenance entries: each upcoming or ongoing window as one entry (what is coming),
 * and every tweet a window's thread posted (ahead, starting, done) as an entry of its own, as an
 * incident's tweets are, so a finished window stays in the feed with what it said.
 */
export function maintenanceFeedItems(windows: readonly PublicWindow[], o: { pageUrl: string; tr: Translator; timezone: string }) {
  const { tr } = o;
  const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const coming = windows.filter(shownOnPage).map((w) => ({
    id: `${o.pageUrl}#m-${w.id}`,
    title: escape(`${stateWord(w, tr)}: ${windowSummary(w, tr)} (${formatSpan(w.startsAt, w.endsAt, { locale: tr.locale, zone: o.timezone })})`),
    link: `${o.pageUrl}#m-${encodeURIComponent(w.id)}`,
    content: w.tweets.map((t) => escape(t.text).replaceAll('\n', '<br>')).join('<hr>') || escape(windowSummary(w, tr)),
    date: new Date(w.tweets.at(-1)?.postedAt ?? w.changedAt),
  }));
  return { coming, tweets: windows.flatMap((w) => w.tweets.map((tweet) => ({ anchor: `m-${w.id}`, tweet }))) };
}

/** The iCalendar feed: upcoming, ongoing and recent windows; cancelled ones stay, marked cancelled, so subscribed calendars drop them. */
export function maintenanceCalendar(windows: readonly PublicWindow[], o: { tr: Translator; pageUrl: string; nowMs: number; name: string }): string {
  const since = o.nowMs - CALENDAR_DAYS * 24 * 3600_000;
  const calendar = ical({ name: o.name, prodId: { company: 'herald', product: 'maintenance', language: o.tr.locale.toUpperCase() }, url: o.pageUrl, ttl: 15 * 60 });
  for (const w of windows.filter((w) => Date.parse(w.endsAt) >= since)) {
    calendar.createEvent({
      id: `${w.id}@herald`,
      start: new Date(w.startsAt),
      end: new Date(w.endsAt),
      stamp: new Date(w.changedAt),
      lastModified: new Date(w.changedAt),
      sequence: w.changes,
      summary: windowSummary(w, o.tr),
      description: w.tweets.map((t) => t.text).join('\n\n') || null,
      url: `${o.pageUrl}#m-${encodeURIComponent(w.id)}`,
      status: w.state === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    });
  }
  return calendar.toString();
}
