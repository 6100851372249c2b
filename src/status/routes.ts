import { DEFAULT_ACCOUNT, type AccountId } from '../incidents/accounts.ts';
import etag from '@fastify/etag';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Incident } from '../incidents/model.ts';
import type { IncidentStore } from '../incidents/store.ts';
import type { TweetLink } from '../journal/journal.ts';
import { renderAtom } from './feed.ts';
import { STATUS_LABELS } from './labels.ts';
import { renderStatusPage } from './page.ts';
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
  now?: () => number;
}

/** How many of the latest incidents the page looks through for current and recent ones. */
const LOOK_BACK = 200;
/** Browsers and proxies may keep a copy this long; the ETag makes a revalidation cheap. */
const CACHE_CONTROL = 'public, max-age=30, stale-while-revalidate=60';

/**
 * `GET /status`, `GET /status/feed.xml` and `GET /status/maintenance.ics` (and `/status/<account>[/feed.xml]` for each further
 * account): public, no sign-in, cacheable (ETag and Cache-Control; a matching If-None-Match gets 304).
 */
export async function statusRoutes(app: FastifyInstance, deps: StatusDeps) {
  await app.register(etag, { weak: true });
  const now = deps.now ?? Date.now;
  const origin = (request: FastifyRequest) => `${request.protocol}://${request.host}`;

  async function view(account: AccountId) {
    const keys = await deps.store.recentKeys(LOOK_BACK);
    const incidents = (await Promise.all(keys.map((k) => deps.store.get(k)))).filter((i): i is Incident => i !== null);
    return statusView(incidents, now(), deps.link, account);
  }

  for (const page of deps.pages) {
    const path = page.account === DEFAULT_ACCOUNT ? '/status' : `/status/${page.account}`;
    const labels = STATUS_LABELS[page.locale];
    app.get(path, async (_request, reply) => {
      const html = renderStatusPage(await view(page.account), { locale: page.locale, timezone: page.timezone, labels, dryRun: page.dryRun, feedPath: `${path}/feed.xml`, calendarPath: `${path}/maintenance.ics` });
      return reply.type('text/html; charset=utf-8').header('cache-control', CACHE_CONTROL).send(html);
    });
    app.get(`${path}/feed.xml`, async (request, reply) => {
      const base = origin(request);
      const xml = renderAtom(await view(page.account), { pageUrl: `${base}${path}`, feedUrl: `${base}${path}/feed.xml`, locale: page.locale, labels });
      return reply.type('application/atom+xml; charset=utf-8').header('cache-control', CACHE_CONTROL).send(xml);
    });
    app.get(`${path}/maintenance.ics`, async (request, reply) => {
      const ics = maintenanceCalendar((await view(page.account)).maintenance, { locale: page.locale, pageUrl: `${origin(request)}${path}`, nowMs: now(), name: labels.title });
      return reply.type('text/calendar; charset=utf-8').header('cache-control', CACHE_CONTROL).send(ics);
    });
  }
}
