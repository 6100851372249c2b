/** The public status page as one small HTML document: no script, no external asset. Pure. */
import { DateTime } from 'luxon';
import type { ThreadTweet } from '../journal/journal.ts';
import type { StatusLabels } from './labels.ts';
import { RECENT_DAYS, type PublicIncident, type StatusView } from './view.ts';
import { maintenanceSection, type Locale } from '../maintenance/public.ts';

export interface PageOptions {
  locale: string;
  timezone: string;
  labels: StatusLabels;
  dryRun: boolean;
  feedPath: string;
  /** The iCalendar feed of maintenance windows. */
  calendarPath?: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

const STYLE = `
body{font:16px/1.5 system-ui,-apple-system,"Apple SD Gothic Neo","Hiragino Sans",sans-serif;margin:0 auto;max-width:42rem;padding:1rem;color:#1d1d1f;background:#fff}
h1{font-size:1.5rem;margin:.5rem 0}h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
article{border:1px solid #ddd;border-radius:.5rem;padding:.75rem 1rem;margin:.75rem 0}
article.ongoing{border-color:#e0a800;background:#fffbea}
.state{font-weight:600}.ongoing .state{color:#8a6100}.resolved .state{color:#2e7d32}
blockquote{margin:.5rem 0;padding:.25rem 0 .25rem .75rem;border-left:3px solid #ccc;white-space:pre-line}
small,time{color:#666}.note{background:#eef4ff;padding:.5rem .75rem;border-radius:.5rem}
a{color:#0b57d0}footer{margin-top:2rem;color:#666;font-size:.9rem}
@media (prefers-color-scheme:dark){body{background:#111;color:#eee}article{border-color:#444}article.ongoing{background:#2a2410}blockquote{border-color:#555}small,time,footer{color:#aaa}.note{background:#1b2435}a{color:#8ab4f8}}`;

export function renderStatusPage(view: StatusView, options: PageOptions): string {
  const { labels } = options;
  const when = (iso: string) => {
    const t = DateTime.fromISO(iso, { zone: options.timezone }).setLocale(options.locale);
    return `<time datetime="${escapeHtml(t.toISO() ?? iso)}">${escapeHtml(t.toLocaleString({ ...DateTime.DATETIME_MED, timeZoneName: 'short' }))}</time>`;
  };
  const tweet = (t: ThreadTweet) =>
    `<blockquote>${escapeHtml(t.text)}</blockquote><small>${when(t.postedAt)}${t.url ? ` · <a href="${escapeHtml(t.url)}" rel="noopener">${escapeHtml(labels.viewOnX)}</a>` : ''}</small>`;
  const incident = (i: PublicIncident) =>
    `<article id="t-${escapeHtml(i.id)}" class="${i.ongoing ? 'ongoing' : 'resolved'}"><p><span class="state">${escapeHtml(i.ongoing ? labels.ongoing : labels.resolved)}</span> · ${when(i.tweets[0]!.postedAt)}</p>${i.tweets.map(tweet).join('')}</article>`;
  const section = (title: string, items: PublicIncident[], none: string) =>
    `<section><h2>${escapeHtml(title)}</h2>${items.length ? items.map(incident).join('\n') : `<p>${escapeHtml(none)}</p>`}</section>`;
  return `<!doctype html>
<html lang="${escapeHtml(options.locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(labels.title)}</title>
<link rel="alternate" type="application/atom+xml" title="${escapeHtml(labels.feed)}" href="${escapeHtml(options.feedPath)}">
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(labels.title)}</h1>
${options.dryRun ? `<p class="note">${escapeHtml(labels.dryRun)}</p>` : ''}
${section(labels.current, view.current, labels.noneCurrent)}
${options.calendarPath ? maintenanceSection(view.maintenance, { locale: options.locale as Locale, timezone: options.timezone, calendarPath: options.calendarPath, escape: escapeHtml }) : ''}
${section(labels.recent, view.recent, labels.noneRecent(RECENT_DAYS))}
<footer>${view.updatedAt ? `${escapeHtml(labels.lastUpdate)}: ${when(view.updatedAt)} · ` : ''}<a href="${escapeHtml(options.feedPath)}">${escapeHtml(labels.feed)}</a></footer>
</body>
</html>
`;
}
