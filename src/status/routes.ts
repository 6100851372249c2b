import { DEFAULT_ACCOUNT, type AccountId } from '../incidents/accounts.ts';
import etag from '@fastify/etag';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { translator, type ConsoleLocale } from '../console/i18n.ts';
import { readerLocale } from '../console/locale.ts';
import type { Incident } from '../incidents/model.ts';
import type { IncidentStore } from '../incidents/store.ts';
import type { TweetLink } from '../journal/journal.ts';
import { renderAtom } from './feed.ts';
import { renderStatusPage } from './page.ts';
import { renderSummary } from './summary.ts';
import { statusView } from './view.ts';
import { maintenanceCalendar } from '../maintenance/public.ts';

/** One public page: the default account's at `/status`, another's at `/status/<id>`. */
export interface StatusPageConfig {
  account: AccountId;
  locale: 'ko' | 'en' | 'ja';
  timezone: string;
  dryRun: boolean;
}

export interface StatusDeps {
  store: IncidentStore;
  link: TweetLink;
  pages: readonly StatusPageConfig[];
  /** Where readers reach herald (Config's `publicUrl`): the feeds' and summary's links start with it. */
  publicUrl: string;
  now?: () => number;
}

/** How many of the latest incidents the page looks through for current and recent ones. */
const LOOK_BACK = 200;
/** Browsers and proxies may keep a copy this long; the ETag makes a revalidation cheap. */
const CACHE_CONTROL = 'public, max-age=30, stale-while-revalidate=60';

/**
 * `GET /status`, `GET /status/feed.xml`, `GET /status/maintenance.ics` and `GET /status/summary.json` (and the same under `/status/<account>` for each further
 * account): public, no sign-in, cacheable (ETag and Cache-Control; a matching If-None-Match gets 304).
 */
export async function statusRoutes(app: FastifyInstance, deps: StatusDeps) {
  await app.register(etag, { weak: true });
  const now = deps.now ?? Date.now;
  // An empty feed was last updated when herald started: a real time, and the same on every request.
  const startedAt = now();
  const offered = [...new Set(deps.pages.map((p) => p.locale))];
  /** Each answer depends on the reader's language: caches keep one copy per Accept-Language. */
  const speaking = (request: FastifyRequest<{ Querystring: { lang?: string } }>, reply: FastifyReply, fallback: ConsoleLocale) => {
    reply.header('vary', 'Accept-Language').header('content-language', readerLocale(request, offered, fallback));
    return translator(readerLocale(request, offered, fallback));
  };
  // From configuration, never from the request: a Host header is whatever the client wrote, and these answers are cached publicly.
  const base = deps.publicUrl;

  async function view(account: AccountId) {
    const keys = await deps.store.recentKeys(LOOK_BACK);
    const incidents = (await Promise.all(keys.map((k) => deps.store.get(k)))).filter((i): i is Incident => i !== null);
    return statusView(incidents, now(), deps.link, account);
  }

  for (const page of deps.pages) {
    const path = page.account === DEFAULT_ACCOUNT ? '/status' : `/status/${page.account}`;
    const languages = offered.map((locale) => ({ locale, href: `${path}?lang=${locale}` }));
    type Asked = { Querystring: { lang?: string } };
    app.get<Asked>(path, async (request, reply) => {
      const tr = speaking(request, reply, page.locale);
      const html = renderStatusPage(await view(page.account), { tr, timezone: page.timezone, tweetLocale: page.locale, nowMs: now(), dryRun: page.dryRun, feedPath: `${path}/feed.xml`, calendarPath: `${path}/maintenance.ics`, languages });
      return reply.type('text/html; charset=utf-8').header('cache-control', CACHE_CONTROL).send(html);
    });
    app.get<Asked>(`${path}/feed.xml`, async (request, reply) => {
      const tr = speaking(request, reply, page.locale);
      const xml = renderAtom(await view(page.account), { pageUrl: `${base}${path}`, feedUrl: `${base}${path}/feed.xml`, tr, timezone: page.timezone, emptySince: startedAt });
      return reply.type('application/atom+xml; charset=utf-8').header('cache-control', CACHE_CONTROL).send(xml);
    });
    app.get<Asked>(`${path}/maintenance.ics`, async (request, reply) => {
      const tr = speaking(request, reply, page.locale);
      const ics = maintenanceCalendar((await view(page.account)).maintenance, { tr, pageUrl: `${base}${path}`, nowMs: now(), name: tr.t('status.title') });
      return reply.type('text/calendar; charset=utf-8').header('cache-control', CACHE_CONTROL).send(ics);
    });
    app.get<Asked>(`${path}/summary.json`, async (request, reply) => {
      const tr = speaking(request, reply, page.locale);
      const summary = renderSummary(await view(page.account), { pageId: page.account === DEFAULT_ACCOUNT ? 'default' : page.account, pageUrl: `${base}${path}`, tr, timezone: page.timezone, emptySince: startedAt });
      return reply.type('application/json; charset=utf-8').header('cache-control', CACHE_CONTROL).send(JSON.stringify(summary));
    });
  }
}
