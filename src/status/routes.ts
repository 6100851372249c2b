import etag from '@fastify/etag';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Incident } from '../incidents/model.ts';
import type { IncidentStore } from '../incidents/store.ts';
import type { TweetLink } from '../journal/journal.ts';
import { renderAtom } from './feed.ts';
import { STATUS_LABELS } from './labels.ts';
import { renderStatusPage } from './page.ts';
import { statusView } from './view.ts';

export interface StatusDeps {
  store: IncidentStore;
  locale: 'ko' | 'en' | 'ja';
  timezone: string;
  link: TweetLink;
  dryRun: boolean;
  now?: () => number;
}

/** How many of the latest incidents the page looks through for current and recent ones. */
const LOOK_BACK = 200;
/** Browsers and proxies may keep a copy this long; the ETag makes a revalidation cheap. */
const CACHE_CONTROL = 'public, max-age=30, stale-while-revalidate=60';

/**
 * `GET /status` and `GET /status/feed.xml`: public, no sign-in, cacheable (ETag and
 * Cache-Control; a matching If-None-Match gets 304).
 */
export async function statusRoutes(app: FastifyInstance, deps: StatusDeps) {
  await app.register(etag, { weak: true });
  const labels = STATUS_LABELS[deps.locale];
  const now = deps.now ?? Date.now;

  async function view() {
    const keys = await deps.store.recentKeys(LOOK_BACK);
    const incidents = (await Promise.all(keys.map((k) => deps.store.get(k)))).filter((i): i is Incident => i !== null);
    return statusView(incidents, now(), deps.link);
  }
  const origin = (request: FastifyRequest) => `${request.protocol}://${request.host}`;

  app.get('/status', async (_request, reply) => {
    const html = renderStatusPage(await view(), { locale: deps.locale, timezone: deps.timezone, labels, dryRun: deps.dryRun, feedPath: '/status/feed.xml' });
    return reply.type('text/html; charset=utf-8').header('cache-control', CACHE_CONTROL).send(html);
  });

  app.get('/status/feed.xml', async (request, reply) => {
    const base = origin(request);
    const xml = renderAtom(await view(), { pageUrl: `${base}/status`, feedUrl: `${base}/status/feed.xml`, locale: deps.locale, labels });
    return reply.type('application/atom+xml; charset=utf-8').header('cache-control', CACHE_CONTROL).send(xml);
  });
}
