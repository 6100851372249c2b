import type { FastifyInstance } from 'fastify';
import { requires } from '../../auth/guard.ts';
import { accountOf, DEFAULT_ACCOUNT } from '../accounts.ts';
import { impactsOf } from '../impacts.ts';
import type { Incident, Post } from '../model.ts';
import { IncidentNotFound, type IncidentStore } from '../store.ts';
import { apiPage, pageFrom, pagingHeaders, PAGE_SIZES, type Paged } from '../../paging.ts';

/** The public shape of a tweet in the API: `kind` is open, update or resolved (a reopening is an update). */
export function tweetView(post: Post) {
  return {
    id: post.tweetId!,
    text: post.text ?? '',
    inReplyTo: post.inReplyTo ?? null,
    postedAt: post.postedAt ?? null,
    kind: post.kind === 'reopened' ? 'update' : post.kind,
    // Only for posts of further accounts (docs/networks.md), so the default account's shape stays as it was.
    ...(accountOf(post) !== DEFAULT_ACCOUNT && { account: accountOf(post), url: post.tweetUrl ?? null }),
  };
}

export function incidentView(incident: Incident) {
  return {
    key: incident.key,
    state: incident.state,
    service: incident.service,
    feature: incident.feature,
    impacts: impactsOf(incident),
    scope: incident.scope ?? null,
    phase: incident.state === 'resolved' ? 'resolved' : (incident.phase ?? 'investigating'),
    dataSafety: incident.dataSafety ?? 'unknown',
    publicNote: incident.publicNote ?? null,
    severity: incident.severity,
    openedAt: incident.openedAt,
    resolvedAt: incident.resolvedAt ?? null,
    events: incident.events,
    firingAlerts: incident.firingAlerts ?? null,
    tweets: incident.posts.filter((p) => p.status === 'posted').map(tweetView),
    posts: incident.posts.map(({ id, kind, status, dueAt, attempts, note }) => ({ id, kind, status, dueAt, attempts, note: note ?? null })),
  };
}

/** The most recent incidents first, one page of them. */
export async function recentIncidents(store: Pick<IncidentStore, 'recentKeys' | 'getMany'>, page: number, size: number = PAGE_SIZES.incidents): Promise<Paged<Incident>> {
  return pageFrom(async (limit, offset) => store.getMany(await store.recentKeys(limit, offset)), page, size);
}

/** The most an `/api` list gives in one page. */
const MAX_API_PAGE = 100;

export async function incidentRoutes(app: FastifyInstance, deps: { store: IncidentStore }) {
  app.get<{ Params: { key: string } }>('/api/incidents/:key', requires('view'), async (request) => {
    const incident = await deps.store.get(request.params.key);
    if (!incident) throw new IncidentNotFound(request.params.key);
    return incidentView(incident);
  });
  // A page of `limit` (at most 100: a page stays well under 200 KB), `Link` naming the next one.
  app.get<{ Querystring: { limit?: string; page?: string } }>('/api/incidents', requires('view'), async (request, reply) => {
    const limit = Math.min(MAX_API_PAGE, Math.max(1, Number(request.query.limit ?? PAGE_SIZES.incidents) || PAGE_SIZES.incidents));
    const paged = await recentIncidents(deps.store, apiPage(request.query.page), limit);
    const path = request.query.limit === undefined ? '/api/incidents' : `/api/incidents?limit=${limit}`;
    return reply.headers(pagingHeaders(path, paged)).send(paged.items.map(incidentView));
  });
}
