import { DateTime } from 'luxon';
import { html, type Html } from '../html.ts';
import type { Principal } from '../principal.ts';
import { can } from '../users.ts';

/** What every page needs to render: who is looking, the form token, and how to show times and tweets. */
export interface ViewContext {
  principal: Principal | null;
  csrf: string;
  timezone: string;
  now: Date;
  /** Public link to a posted tweet, or undefined in dry-run. */
  tweetUrl(id: string): string | undefined;
  /** No X credentials: every page says so, since nothing herald "posts" reaches X. */
  dryRun?: boolean;
}

export function formatTime(iso: string | undefined, ctx: Pick<ViewContext, 'timezone'>): string {
  if (!iso) return '';
  return DateTime.fromISO(iso).setZone(ctx.timezone).toFormat('LLL d, HH:mm:ss ZZZZ');
}

/** "in 9 min", "3 min ago": for deadlines a person must act before. */
export function relative(iso: string, now: Date): string {
  const delta = Date.parse(iso) - now.getTime();
  const abs = Math.abs(delta);
  const amount = abs < 90_000 ? `${Math.round(abs / 1000)} s` : abs < 5_400_000 ? `${Math.round(abs / 60_000)} min` : `${Math.round(abs / 3_600_000)} h`;
  return delta >= 0 ? `in ${amount}` : `${amount} ago`;
}

export const csrfField = (ctx: ViewContext) => html`<input type="hidden" name="_csrf" value="${ctx.csrf}">`;

type Section = 'drafts' | 'incidents' | 'new' | 'announce' | 'audit' | 'none';

function nav(ctx: ViewContext, active: Section, drafts: number | undefined): Html {
  const who = ctx.principal;
  if (!who) return html``;
  const link = (section: Section, href: string, label: Html | string) =>
    html`<a href="${href}"${active === section ? html` aria-current="page"` : ''}>${label}</a>`;
  return html`<nav>
    ${link('drafts', '/console', html`Drafts <span class="count" id="draft-count">${drafts ?? ''}</span>`)}
    ${link('incidents', '/console/incidents', 'Incidents')}
    ${can(who.role, 'decide') ? [link('new', '/console/incidents/new', 'New incident'), link('announce', '/console/announcements/new', 'Announcement')] : []}
    ${can(who.role, 'audit') ? link('audit', '/console/audit', 'Audit log') : ''}
  </nav>
  <form class="signout" method="post" action="/console/logout">${csrfField(ctx)}<span>${who.name} · ${who.role}</span> <button type="submit">Sign out</button></form>`;
}

export interface Page {
  title: string;
  section?: Section;
  body: Html | ((ctx: ViewContext) => Html);
  flash?: { kind: 'ok' | 'error'; text: string };
  drafts?: number;
}

export function layout(ctx: ViewContext, page: Page): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title} · herald</title>
<link rel="stylesheet" href="/console/assets/console.css">
<script src="/console/assets/console.js" defer></script>
</head>
<body>
<header class="top"><a class="brand" href="/console">herald <small>console</small></a>${nav(ctx, page.section ?? 'none', page.drafts)}</header>
<main${page.section === 'audit' ? html` class="wide"` : ''}>
${ctx.dryRun ? html`<p class="flash error" role="status" id="dry-run">Dry run: no X credentials are set, so nothing herald posts reaches X (posts go to the outbox file). Set X_APP_KEY, X_APP_SECRET, X_ACCESS_TOKEN and X_ACCESS_SECRET to post.</p>` : ''}
${page.flash ? html`<p class="flash ${page.flash.kind}" role="status">${page.flash.text}</p>` : ''}
${typeof page.body === 'function' ? page.body(ctx) : page.body}
</main>
</body>
</html>`.value;
}
