import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { checkDraftText } from '../approval/draft-text.ts';
import { ApprovalError, type Approvals } from '../approval/service.ts';
import { HeraldError } from '../errors.ts';
import { recentIncidents } from '../incidents/adapters/api.ts';
import type { IncidentStore } from '../incidents/store.ts';
import { parse, schemas } from './api.ts';
import { consoleAssets } from './assets.ts';
import { auditPage } from './audit-log.ts';
import { consolePage, pager } from './paging.ts';
import { pageOf, PAGE_SIZES } from '../paging.ts';
import { html, type Html } from './html.ts';
import type { IncidentFacts } from './incident-facts.ts';
import type { SessionStore } from '../auth/sessions.ts';
import { signInRoutes } from './sign-in.ts';
import { can } from '../auth/access.ts';
import { pageGuard } from './page-guard.ts';
import type { ConsoleUser } from '../auth/users.ts';
import { csrfToken } from '../auth/plugin.ts';
import { draftList, draftPage, draftsPage, draftsPager, type DraftError } from './views/drafts.ts';
import type { ConsoleLocale, Translator } from './i18n.ts';
import type { TextProblem } from '../approval/draft-text.ts';
import { liveRoutes, type ConsoleEvents } from './live.ts';
import { speechFor } from './locale.ts';
import { announcementPage, auditTable, incidentPage, incidentsPage, newIncidentPage } from './views/incidents.ts';
import { layout, type Page, type ViewContext } from './views/layout.ts';

export interface PagesDeps {
  approvals: Approvals;
  store: IncidentStore;
  sessions: SessionStore;
  users: readonly ConsoleUser[];
  /** HERALD_LOCALE and HERALD_TIMEZONE: for people whose language neither they nor their browser say. */
  locale: ConsoleLocale;
  timezone: string;
  tweetUrl: ViewContext['tweetUrl'];
  tweetLang?: ViewContext['tweetLang'];
  dryRun?: boolean;
  signInLimit: { max: number; windowMs: number };
  /** The facts form and the read-only preview on the incident page (incident-facts.ts). */
  facts?: IncidentFacts;
  /** Drafts arriving and decided, for the console's server-sent events. */
  events: ConsoleEvents;
  /** Sources whose new incidents the flood cap held in this minute or the last (incidents/adapters/flood-gate.ts). */
  floods?: () => Promise<Page['floods']>;
}

/** Why a text cannot be posted, in the person's words. */
const problemTexts = (problems: readonly TextProblem[], tr: Translator): string[] => problems.map(({ code, ...values }) => tr.t(`textProblems.${code}`, values));

/** A refusal in the person's words when the catalog has it (approval/service.ts names it); otherwise as said. */
function refusalText(error: Error, ctx: Pick<ViewContext, 'tr'>): string {
  const refusal = error instanceof ApprovalError ? error.refusal : undefined;
  return refusal ? ctx.tr.t(`refusals.${refusal.key}`, refusal.values) : error.message;
}

type Form = Record<string, string | undefined>;

/** Form fields left empty mean "not given". */
const given = (value: string | undefined): string | undefined => (value === undefined || value.trim() === '' ? undefined : value);

/** What `?done=` may say, each with its message under `done.` in the catalog. */
const DONE = new Set(['approved', 'edited', 'rejected', 'opened', 'updated', 'resolved', 'announced']);

/** A page title from the catalog. */
const titled = (key: string) => (ctx: ViewContext) => ctx.tr.t(`titles.${key}`);

/** The console's HTML pages: server-rendered, forms that work without JavaScript, a CSRF token in each. */
export async function consolePages(app: FastifyInstance, deps: PagesDeps) {
  const { approvals } = deps;
  const speech = (request: FastifyRequest) => speechFor(request, deps.users, { locale: deps.locale, timezone: deps.timezone });
  const context = (request: FastifyRequest, reply: FastifyReply): ViewContext => ({
    principal: request.principal,
    csrf: csrfToken(request, reply),
    ...speech(request),
    now: new Date(),
    tweetUrl: deps.tweetUrl,
    tweetLang: deps.tweetLang,
    dryRun: deps.dryRun,
  });
  // `drafts`, when the handler counted them already, spares reading every active incident twice.
  const send = async (request: FastifyRequest, reply: FastifyReply, page: Page, status = 200) => {
    const ctx = context(request, reply);
    const drafts = request.principal ? (page.drafts ?? (await approvals.waiting()).length) : undefined;
    const floods = request.principal ? await deps.floods?.() : undefined;
    return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(layout(ctx, { ...page, drafts, floods }));
  };
  const guard = pageGuard(send);
  const viewing = { preHandler: guard('view') };
  const deciding = { preHandler: [guard('decide'), app.csrfProtection.bind(app)] };
  const actor = (request: FastifyRequest) => request.principal!.name;
  const showDrafts = async (request: FastifyRequest, reply: FastifyReply, extra: { errors?: Record<string, DraftError>; flash?: Page['flash']; page?: number } = {}, status = 200) => {
    const waiting = pageOf(await approvals.waiting(), extra.page ?? 1, PAGE_SIZES.drafts);
    return send(request, reply, { title: titled('drafts'), section: 'drafts', body: (ctx) => draftsPage(waiting, ctx, extra.errors), flash: extra.flash, drafts: waiting.total }, status);
  };
  const doneFlash = (request: FastifyRequest, query: { done?: string }): Page['flash'] =>
    query.done && DONE.has(query.done) ? { kind: 'ok', text: speech(request).tr.t(`done.${query.done}`) } : undefined;

  await app.register(consoleAssets);
  await app.register(signInRoutes, { users: deps.users, sessions: deps.sessions, limit: deps.signInLimit, send, speech });
  await app.register(liveRoutes, { events: deps.events, guard: guard('view') });

  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    if (error.statusCode === 403 && error.code?.startsWith('FST_CSRF')) {
      const body = (ctx: ViewContext) => html`<h1>${ctx.tr.t('errors.formExpired')}</h1><p>${ctx.tr.t('errors.formExpiredWhy')}</p>`;
      return send(request, reply, { title: titled('formExpired'), body }, 403);
    }
    if (error instanceof HeraldError && error.status < 500) {
      const { details, status } = error;
      const body = (ctx: ViewContext) =>
        html`<h1>${ctx.tr.t('errors.notDone')}</h1><p class="flash error">${refusalText(error, ctx)}</p><ul>${(error instanceof ApprovalError && error.problems.length ? problemTexts(error.problems, ctx.tr) : details).map((d) => html`<li>${d}</li>`)}</ul><p><a href="/console">${ctx.tr.t('draft.backToAll')}</a></p>`;
      return send(request, reply, { title: titled('notDone'), body }, status);
    }
    throw error;
  });

  app.get<{ Querystring: { done?: string; page?: string } }>('/console', viewing, (request, reply) =>
    showDrafts(request, reply, { flash: doneFlash(request, request.query), page: consolePage(request.query.page) }),
  );

  // The live fragment of one page of drafts (console.js asks for the page it shows, at every server-sent event).
  app.get<{ Querystring: { page?: string } }>('/console/drafts/live', viewing, async (request, reply) => {
    const waiting = pageOf(await approvals.waiting(), consolePage(request.query.page), PAGE_SIZES.drafts);
    const ctx = context(request, reply);
    const markup = draftList(waiting, ctx).value + draftsPager(waiting, ctx).value;
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').header('x-draft-count', String(waiting.total)).send(markup);
  });

  app.get<{ Querystring: { text?: string } }>('/console/measure', viewing, async (request) => {
    const result = checkDraftText(request.query.text ?? '');
    return { weightedLength: result.weightedLength, max: 280, ok: result.ok, details: result.ok ? [] : problemTexts(result.problems, speech(request).tr) };
  });

  const draftAction = (what: 'edit' | 'approve' | 'reject') =>
    app.post<{ Params: { id: string }; Body: Form }>(`/console/drafts/:id/${what}`, deciding, async (request, reply) => {
      const { id } = request.params;
      const body = request.body ?? {};
      try {
        if (what === 'edit') await approvals.edit(id, actor(request), body.text ?? '');
        if (what === 'approve') await approvals.approve(id, actor(request), body.text);
        if (what === 'reject') await approvals.reject(id, actor(request), body.reason ?? '');
      } catch (err) {
        if (!(err instanceof ApprovalError)) throw err;
        const message = refusalText(err, { tr: speech(request).tr });
        const details = err.problems.length ? problemTexts(err.problems, speech(request).tr) : err.details;
        if (err.status === 400 && what !== 'reject') return showDrafts(request, reply, { errors: { [id]: { text: body.text ?? '', message, details } } }, 400);
        return showDrafts(request, reply, { flash: { kind: 'error', text: message } }, err.status);
      }
      const done = { edit: 'edited', approve: 'approved', reject: 'rejected' }[what];
      return reply.redirect(`/console?done=${done}${what === 'edit' ? `#draft-${encodeURIComponent(id)}` : ''}`, 303);
    });
  draftAction('edit');
  draftAction('approve');
  draftAction('reject');

  app.get<{ Params: { id: string } }>('/console/drafts/:id', viewing, async (request, reply) => {
    const found = await approvals.draft(request.params.id).catch((err: unknown) => {
      if (err instanceof ApprovalError) return undefined;
      throw err;
    });
    if (!found) return send(request, reply, { title: titled('notFound'), body: (ctx) => html`<h1>${ctx.tr.t('errors.noDraft', { id: request.params.id })}</h1>` }, 404);
    return send(request, reply, { title: titled('draft'), section: 'drafts', body: (ctx) => draftPage(found, ctx) });
  });

  app.get<{ Querystring: { page?: string } }>('/console/incidents', viewing, async (request, reply) => {
    const incidents = await recentIncidents(deps.store, consolePage(request.query.page));
    return send(request, reply, { title: titled('incidents'), section: 'incidents', body: (ctx) => incidentsPage(incidents, ctx) });
  });

  app.get('/console/incidents/new', { preHandler: guard('decide') }, (request, reply) =>
    send(request, reply, { title: titled('newIncident'), section: 'new', body: newIncidentPage }),
  );

  app.post<{ Body: Form }>('/console/incidents', deciding, async (request, reply) => {
    const b = request.body ?? {};
    const input = parse(schemas.open, { service: b.service, feature: b.feature, severity: b.severity, key: given(b.key), text: given(b.text) });
    await approvals.openByHand(actor(request), input);
    return reply.redirect('/console?done=opened', 303);
  });

  app.get<{ Params: { key: string } }>('/console/incidents/:key', viewing, async (request, reply) => {
    const incident = await deps.store.get(request.params.key);
    if (!incident) return send(request, reply, { title: titled('notFound'), body: (ctx) => html`<h1>${ctx.tr.t('errors.noIncident', { key: request.params.key })}</h1>` }, 404);
    const facts = deps.facts;
    const extra = facts && ((ctx: ViewContext) => html`${ctx.principal && can(ctx.principal.role, 'decide') && incident.state === 'open' ? facts.form(incident, ctx) : ''}${facts.preview(incident, Date.now(), ctx.tr)}`);
    return send(request, reply, { title: incident.key, section: 'incidents', body: (ctx) => incidentPage(incident, ctx, extra) });
  });

  app.post<{ Params: { key: string }; Body: Form }>('/console/incidents/:key/facts', deciding, async (request, reply) => {
    await deps.facts?.change(actor(request), request.params.key, request.body ?? {});
    return reply.redirect(`/console/incidents/${encodeURIComponent(request.params.key)}`, 303);
  });

  app.post<{ Params: { key: string }; Body: Form }>('/console/incidents/:key/updates', deciding, async (request, reply) => {
    await approvals.updateByHand(actor(request), request.params.key, given(request.body?.text));
    return reply.redirect('/console?done=updated', 303);
  });

  app.post<{ Params: { key: string }; Body: Form }>('/console/incidents/:key/resolve', deciding, async (request, reply) => {
    const incident = await approvals.resolveByHand(actor(request), request.params.key, given(request.body?.text));
    const waiting = incident.posts.some((p) => p.status === 'draft');
    return reply.redirect(waiting ? '/console?done=resolved' : `/console/incidents/${encodeURIComponent(incident.key)}`, 303);
  });

  app.get('/console/announcements/new', { preHandler: guard('decide') }, (request, reply) =>
    send(request, reply, { title: titled('announcement'), section: 'announce', body: announcementPage }),
  );

  app.post<{ Body: Form }>('/console/announcements', deciding, async (request, reply) => {
    const input = parse(schemas.announce, { service: request.body?.service, text: request.body?.text });
    await approvals.announce(actor(request), input);
    return reply.redirect('/console?done=announced', 303);
  });

  app.get<{ Querystring: { page?: string } }>('/console/audit', { preHandler: guard('audit') }, async (request, reply) => {
    const rows = await auditPage(deps.store, deps.sessions, consolePage(request.query.page), PAGE_SIZES.audit);
    const href = (page: number) => (page === 1 ? '/console/audit' : `/console/audit?page=${page}`);
    const body = (ctx: ViewContext): Html =>
      html`<h1>${ctx.tr.t('audit.title')}</h1><p class="lede">${ctx.tr.t('audit.lede')}</p>${rows.items.length === 0 && rows.page > 1 ? html`<p class="empty">${ctx.tr.t('pages.beyond')}</p>` : auditTable(rows.items, ctx, true)}${pager(rows, href, ctx.tr)}`;
    return send(request, reply, { title: titled('audit'), section: 'audit', body });
  });
}
