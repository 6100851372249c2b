import { formatFromNow, formatMoment } from '../../compose/reader-time.ts';
import { html, type Html } from '../html.ts';
import { storedNote } from '../stored-words.ts';
import type { Principal } from '../../auth/access.ts';
import type { TweetLink } from '../../journal/journal.ts';
import { DEFAULT_ACCOUNT, type AccountId } from '../../incidents/accounts.ts';
import type { Translator } from '../i18n.ts';
import { can } from '../../auth/access.ts';

/** What every page needs to render: who is looking, the form token, and how to show times and tweets. */
export interface ViewContext {
  principal: Principal | null;
  csrf: string;
  /** The person's language (console/locale.ts); every word on the page comes from it. */
  tr: Translator;
  /** The person's time zone. */
  timezone: string;
  now: Date;
  /** Public link to a post on its account (accounts/wiring.ts `tweetLinks`), or undefined in dry-run. */
  tweetUrl: TweetLink;
  /** No X credentials: every page says so, since nothing herald "posts" reaches X. */
  dryRun?: boolean;
  /**
   * The language an account posts in (accounts/wiring.ts `tweetLanguages`): a Korean tweet on a
   * Japanese page is marked `lang="ko"`, so it wraps between words as Korean does, and is read
   * aloud as Korean.
   */
  tweetLang?: (account: AccountId) => string;
}

/** ` lang="ko"` for a tweet of `account`, when the page knows the account's language. */
export const tweetLangOf = (ctx: Pick<ViewContext, 'tweetLang'>, account: AccountId | undefined): Html =>
  ctx.tweetLang ? html` lang="${ctx.tweetLang(account ?? DEFAULT_ACCOUNT)}"` : html``;

/** A moment in the person's clock words (compose/reader-time.ts): no day when it is today. */
export function formatTime(iso: string | undefined, ctx: Pick<ViewContext, 'timezone' | 'tr' | 'now'>): string {
  return iso ? formatMoment(iso, { locale: ctx.tr.locale, zone: ctx.timezone }, ctx.now.getTime()) : '';
}

/** "in 9 minutes", "9분 후": for deadlines a person must act before. */
export function relative(iso: string, ctx: Pick<ViewContext, 'now' | 'tr'>): string {
  return formatFromNow(iso, ctx.now.getTime(), ctx.tr.locale);
}

/** A note or reason herald stored in English, in the person's words where herald knows them (stored-words.ts). */
export const noteText = (text: string, ctx: ViewContext): Html => storedNote(text, ctx.tr, (iso) => formatTime(iso, ctx));

export const csrfField = (ctx: ViewContext) => html`<input type="hidden" name="_csrf" value="${ctx.csrf}">`;

type Section = 'drafts' | 'incidents' | 'new' | 'announce' | 'maintenance' | 'audit' | 'none';

function nav(ctx: ViewContext, active: Section, drafts: number | undefined): Html {
  const who = ctx.principal;
  const { t } = ctx.tr;
  if (!who) return html``;
  const link = (section: Section, href: string, label: Html | string) =>
    html`<a href="${href}"${active === section ? html` aria-current="page"` : ''}>${label}</a>`;
  // On a phone the navigation and the sign-out fold behind one button (console.css, console.js).
  return html`<button type="button" class="menu-toggle" aria-expanded="false" aria-controls="menu" hidden>${t('layout.menu')} <span class="count" data-draft-count>${drafts ?? ''}</span></button>
  <div class="menu" id="menu"><nav>
    ${link('drafts', '/console', html`${t('nav.drafts')} <span class="count" id="draft-count">${drafts ?? ''}</span>`)}
    ${link('incidents', '/console/incidents', t('nav.incidents'))}
    ${can(who.role, 'decide') ? [link('new', '/console/incidents/new', t('nav.newIncident')), link('announce', '/console/announcements/new', t('nav.announcement'))] : []}
    ${link('maintenance', '/console/maintenance', t('nav.maintenance'))}
    ${can(who.role, 'audit') ? link('audit', '/console/audit', t('nav.audit')) : ''}
  </nav>
  ${can(who.role, 'decide') ? html`<button type="button" class="notify" data-notify hidden>${t('nav.notify')}</button>` : ''}
  <form class="signout" method="post" action="/console/logout">${csrfField(ctx)}<span>${who.name} · ${t(`names.role.${who.role}`)}</span> <button type="submit">${t('nav.signOut')}</button></form></div>`;
}

export interface Page {
  /** The page's title: a catalog key's message, or words already chosen. */
  title: string | ((ctx: ViewContext) => string);
  section?: Section;
  body: Html | ((ctx: ViewContext) => Html);
  flash?: { kind: 'ok' | 'error'; text: string };
  drafts?: number;
  /** Sources over the flood cap just now, with the new incidents held: a banner on every page. */
  floods?: readonly { source: string; held: number }[];
}

export function layout(ctx: ViewContext, page: Page): string {
  return html`<!doctype html>
<html lang="${ctx.tr.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${typeof page.title === 'function' ? page.title(ctx) : page.title} · herald</title>
<link rel="icon" href="/console/assets/favicon.svg" type="image/svg+xml">
<link rel="icon" href="/favicon.ico" sizes="32x32">
<link rel="stylesheet" href="/console/assets/console.css">
<script src="/console/assets/console.js" defer></script>
</head>
<body${ctx.principal ? html` data-events="/console/events" data-notify-title="${ctx.tr.t('live.notifyTitle')}" data-notify-body="${ctx.tr.t('live.notifyBody', { service: '{service}' })}"` : ''}>
<header class="top"><a class="brand" href="/console">herald <small>${ctx.tr.t('brand.console')}</small></a>${nav(ctx, page.section ?? 'none', page.drafts)}</header>
<main${page.section === 'audit' ? html` class="wide"` : ''}>
${ctx.dryRun ? html`<p class="flash error" role="status" id="dry-run">${ctx.tr.t('layout.dryRun')}</p>` : ''}
${(page.floods ?? []).map((f) => html`<p class="flash error" role="status" data-flood="${f.source}">${ctx.tr.t('layout.flood', { source: f.source, count: f.held })}</p>`)}
${page.flash ? html`<p class="flash ${page.flash.kind}" role="status">${page.flash.text}</p>` : ''}
${typeof page.body === 'function' ? page.body(ctx) : page.body}
</main>
</body>
</html>`.value;
}
