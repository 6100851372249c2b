/** The public status page as one small HTML document: no script, no external asset. Pure. */
import { formatMoment, formatSpan, type ReaderClock } from '../compose/reader-time.ts';
import type { Translator } from '../console/i18n.ts';
import type { ThreadTweet } from '../journal/journal.ts';
import { RECENT_DAYS, type PublicIncident, type StatusView } from './view.ts';
import { maintenanceSection } from '../maintenance/public.ts';

export interface PageOptions {
  /** The reader's words (status.* in the console catalogs). */
  tr: Translator;
  timezone: string;
  /** The language the account posts in: its tweets are marked with it, whatever the page's. */
  tweetLocale: string;
  nowMs: number;
  dryRun: boolean;
  feedPath: string;
  /** The iCalendar feed of maintenance windows. */
  calendarPath?: string;
  /** The languages the page is offered in, each with its address; one or none: no switch. */
  languages?: readonly { locale: string; href: string }[];
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** Each language named in itself, as a language switch does. */
const LANGUAGE_NAMES: Record<string, string> = { ko: '한국어', ja: '日本語', en: 'English' };

const STYLE = `
body{font:16px/1.5 system-ui,-apple-system,"Apple SD Gothic Neo","Hiragino Sans","Noto Sans CJK KR",sans-serif;margin:0 auto;max-width:42rem;padding:1rem;color:#1d1d1f;background:#fff;word-break:keep-all;overflow-wrap:anywhere}
h1{font-size:1.5rem;margin:.5rem 0}h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
header{display:flex;flex-wrap:wrap;align-items:baseline;justify-content:space-between;gap:.5rem}
nav.languages{font-size:.9rem}nav.languages a{margin-left:.5rem}nav.languages [aria-current]{font-weight:600;color:inherit;text-decoration:none}
article{border:1px solid #ddd;border-radius:.5rem;padding:.75rem 1rem;margin:.75rem 0}
article.ongoing{border-color:#e0a800;background:#fffbea}
.state{font-weight:600}.ongoing .state{color:#8a6100}.resolved .state{color:#2e7d32}
blockquote{margin:.5rem 0;padding:.25rem 0 .25rem .75rem;border-left:3px solid #ccc;white-space:pre-line}
small,time{color:#666}.note{background:#eef4ff;padding:.5rem .75rem;border-radius:.5rem}
a{color:#0b57d0}footer{margin-top:2rem;color:#666;font-size:.9rem}
@media (prefers-color-scheme:dark){body{background:#111;color:#eee}article{border-color:#444}article.ongoing{background:#2a2410}blockquote{border-color:#555}small,time,footer{color:#aaa}.note{background:#1b2435}a{color:#8ab4f8}nav.languages [aria-current]{color:#eee}}`;

export function renderStatusPage(view: StatusView, options: PageOptions): string {
  const { tr } = options;
  const reader: ReaderClock = { locale: tr.locale, zone: options.timezone };
  const time = (iso: string, text: string) => `<time datetime="${escapeHtml(iso)}">${escapeHtml(text)}</time>`;
  const when = (iso: string) => time(iso, formatMoment(iso, reader, options.nowMs));
  const tweet = (t: ThreadTweet) =>
    `<blockquote lang="${escapeHtml(options.tweetLocale)}">${escapeHtml(t.text)}</blockquote><small>${when(t.postedAt)}${t.url ? ` · <a href="${escapeHtml(t.url)}" rel="noopener">${escapeHtml(tr.t('status.viewOnX'))}</a>` : ''}</small>`;
  // Headed by when the outage began (and ended), as its tweets say: not by the first tweet's time.
  const heading = (i: PublicIncident) =>
    i.endedAt ? time(i.startedAt, formatSpan(i.startedAt, i.endedAt, reader, options.nowMs)) : time(i.startedAt, tr.t('status.since', { time: formatMoment(i.startedAt, reader, options.nowMs) }));
  const incident = (i: PublicIncident) =>
    `<article id="t-${escapeHtml(i.id)}" class="${i.ongoing ? 'ongoing' : 'resolved'}"><p><span class="state">${escapeHtml(tr.t(i.ongoing ? 'status.ongoing' : 'status.resolved'))}</span> · ${heading(i)}</p>${i.tweets.map(tweet).join('')}</article>`;
  const section = (title: string, items: PublicIncident[], none: string) =>
    `<section><h2>${escapeHtml(title)}</h2>${items.length ? items.map(incident).join('\n') : `<p>${escapeHtml(none)}</p>`}</section>`;
  const languages = options.languages && options.languages.length > 1
    ? `<nav class="languages" aria-label="${escapeHtml(tr.t('status.language'))}">${options.languages
        .map((l) => `<a href="${escapeHtml(l.href)}" hreflang="${escapeHtml(l.locale)}" lang="${escapeHtml(l.locale)}"${l.locale === tr.locale ? ' aria-current="true"' : ''}>${escapeHtml(LANGUAGE_NAMES[l.locale] ?? l.locale)}</a>`)
        .join('')}</nav>`
    : '';
  return `<!doctype html>
<html lang="${escapeHtml(tr.locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(tr.t('status.title'))}</title>
<link rel="icon" href="/favicon.ico">
<link rel="alternate" type="application/atom+xml" title="${escapeHtml(tr.t('status.feed'))}" href="${escapeHtml(options.feedPath)}">
${(options.languages ?? []).map((l) => `<link rel="alternate" hreflang="${escapeHtml(l.locale)}" href="${escapeHtml(l.href)}">`).join('\n')}
<style>${STYLE}</style>
</head>
<body>
<header><h1>${escapeHtml(tr.t('status.title'))}</h1>${languages}</header>
${options.dryRun ? `<p class="note">${escapeHtml(tr.t('status.dryRun'))}</p>` : ''}
${section(tr.t('status.current'), view.current, tr.t('status.noneCurrent'))}
${options.calendarPath ? maintenanceSection(view.maintenance, { tr, timezone: options.timezone, nowMs: options.nowMs, calendarPath: options.calendarPath, escape: escapeHtml }) : ''}
${section(tr.t('status.recent'), view.recent, tr.t('status.noneRecent', { days: RECENT_DAYS }))}
<footer>${view.updatedAt ? `${escapeHtml(tr.t('status.lastUpdate'))}: ${when(view.updatedAt)} · ` : ''}<a href="${escapeHtml(options.feedPath)}">${escapeHtml(tr.t('status.feed'))}</a></footer>
</body>
</html>
`;
}
