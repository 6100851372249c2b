import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { checkDraftText } from '../approval/draft-text.ts';
import { ApprovalError, type Approvals } from '../approval/service.ts';
import type { Incident } from '../incidents/model.ts';
import type { IncidentStore } from '../incidents/store.ts';
import { parse, schemas } from './api.ts';
import { consoleAssets } from './assets.ts';
import { auditLog } from './audit-log.ts';
import { html, type Html } from './html.ts';
import type { SessionStore } from './sessions.ts';
import { signInRoutes } from './sign-in.ts';
import { can, type ConsoleUser, type Permission } from './users.ts';
import { draftList, draftsPage, type DraftError } from './views/drafts.ts';
import { announcementPage, auditTable, incidentPage, incidentsPage, newIncidentPage } from './views/incidents.ts';
import { layout, type Page, type ViewContext } from './views/layout.ts';

export interface PagesDeps {
  approvals: Approvals;
  store: IncidentStore;
  sessions: SessionStore;
  users: readonly ConsoleUser[];
  timezone: string;
  tweetUrl(id: string): string | undefined;
  dryRun?: boolean;
  signInLimit: { max: number; windowMs: number };
}

type Form = Record<string, string | undefined>;

/** Form fields left empty mean "not given". */
const given = (value: string | undefined): string | undefined => (value === undefined || value.trim() === '' ? undefined : value);

const DONE: Record<string, string> = {
  approved: 'Approved: it goes out now.',
  edited: 'Saved. It still waits for approval.',
  rejected: 'Rejected: nothing will be posted for it.',
  opened: 'Incident opened: its announcement waits below for approval.',
  updated: 'Update drafted: it waits below for approval.',
  resolved: 'Resolved.',
  announced: 'Announcement drafted: it waits below for approval.',
};

/** The console's HTML pages: server-rendered, forms that work without JavaScript, a CSRF token in each. */
export async function consolePages(app: FastifyInstance, deps: PagesDeps) {
  const { approvals } = deps;
  const context = (request: FastifyRequest, reply: FastifyReply): ViewContext => ({
    principal: request.principal,
    csrf: reply.generateCsrf(),
    timezone: deps.timezone,
    now: new Date(),
    tweetUrl: deps.tweetUrl,
    dryRun: deps.dryRun,
  });
  const send = async (request: FastifyRequest, reply: FastifyReply, page: Omit<Page, 'drafts'>, status = 200) => {
    const ctx = context(request, reply);
    const drafts = request.principal ? (await approvals.waiting()).length : undefined;
    return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(layout(ctx, { ...page, drafts }));
  };
  const guard = (permission: Permission) => async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.principal) return reply.redirect('/console/login', 303);
    if (!can(request.principal.role, permission)) {
      return send(request, reply, { title: 'Not allowed', body: html`<h1>Not allowed</h1><p>${request.principal.name} is a ${request.principal.role}: this needs the ${permission} permission.</p>` }, 403);
    }
  };
  const viewing = { preHandler: guard('view') };
  const deciding = { preHandler: [guard('decide'), app.csrfProtection.bind(app)] };
  const actor = (request: FastifyRequest) => request.principal!.name;
  const showDrafts = async (request: FastifyRequest, reply: FastifyReply, extra: { errors?: Record<string, DraftError>; flash?: Page['flash'] } = {}, status = 200) => {
    const waiting = await approvals.waiting();
    return send(request, reply, { title: 'Drafts', section: 'drafts', body: (ctx) => draftsPage(waiting, ctx, extra.errors), flash: extra.flash }, status);
  };
  const doneFlash = (query: { done?: string }): Page['flash'] => (query.done && DONE[query.done] ? { kind: 'ok', text: DONE[query.done]! } : undefined);

  await app.register(consoleAssets);
  await app.register(signInRoutes, { users: deps.users, sessions: deps.sessions, limit: deps.signInLimit, send });

  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    if (error.statusCode === 403 && error.code?.startsWith('FST_CSRF')) {
      return send(request, reply, { title: 'Form expired', body: html`<h1>This form has expired</h1><p>It did not carry a valid token from this console. Go back, reload the page and try again.</p>` }, 403);
    }
    if (error instanceof ApprovalError || error.name === 'InvalidPayload') {
      const details = (error as { details?: string[] }).details ?? [];
      const status = error instanceof ApprovalError ? error.status : 400;
      return send(request, reply, { title: 'Not done', body: html`<h1>Not done</h1><p class="flash error">${error.message}</p><ul>${details.map((d) => html`<li>${d}</li>`)}</ul><p><a href="/console">Back to the drafts</a></p>` }, status);
    }
    throw error;
  });

  app.get<{ Querystring: { done?: string } }>('/console', viewing, (request, reply) => showDrafts(request, reply, { flash: doneFlash(request.query) }));

  app.get('/console/drafts/live', viewing, async (request, reply) => {
    const waiting = await approvals.waiting();
    const markup = draftList(waiting, context(request, reply)).value;
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').header('x-draft-count', String(waiting.length)).send(markup);
  });

  app.get<{ Querystring: { text?: string } }>('/console/measure', viewing, async (request) => {
    const result = checkDraftText(request.query.text ?? '');
    return { weightedLength: result.weightedLength, max: 280, ok: result.ok, details: result.ok ? [] : result.details };
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
        if (err.status === 400 && what !== 'reject') return showDrafts(request, reply, { errors: { [id]: { text: body.text ?? '', message: err.message, details: err.details } } }, 400);
        return showDrafts(request, reply, { flash: { kind: 'error', text: err.message } }, err.status);
      }
      const done = { edit: 'edited', approve: 'approved', reject: 'rejected' }[what];
      return reply.redirect(`/console?done=${done}${what === 'edit' ? `#draft-${encodeURIComponent(id)}` : ''}`, 303);
    });
  draftAction('edit');
  draftAction('approve');
  draftAction('reject');

  app.get('/console/incidents', viewing, async (request, reply) => {
    const keys = await deps.store.recentKeys(100);
    const incidents = (await Promise.all(keys.map((k) => deps.store.get(k)))).filter((i): i is Incident => i !== null);
    return send(request, reply, { title: 'Incidents', section: 'incidents', body: (ctx) => incidentsPage(incidents, ctx) });
  });

  app.get('/console/incidents/new', { preHandler: guard('decide') }, (request, reply) =>
    send(request, reply, { title: 'New incident', section: 'new', body: newIncidentPage }),
  );

  app.post<{ Body: Form }>('/console/incidents', deciding, async (request, reply) => {
    const b = request.body ?? {};
    const input = parse(schemas.open, { service: b.service, feature: b.feature, severity: b.severity, key: given(b.key), text: given(b.text) });
    await approvals.openByHand(actor(request), input);
    return reply.redirect('/console?done=opened', 303);
  });

  app.get<{ Params: { key: string } }>('/console/incidents/:key', viewing, async (request, reply) => {
    const incident = await deps.store.get(request.params.key);
    if (!incident) return send(request, reply, { title: 'Not found', body: html`<h1>No incident ${request.params.key}</h1>` }, 404);
    return send(request, reply, { title: incident.key, section: 'incidents', body: (ctx) => incidentPage(incident, ctx) });
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
    send(request, reply, { title: 'Announcement', section: 'announce', body: announcementPage }),
  );

  app.post<{ Body: Form }>('/console/announcements', deciding, async (request, reply) => {
    const input = parse(schemas.announce, { service: request.body?.service, text: request.body?.text });
    await approvals.announce(actor(request), input);
    return reply.redirect('/console?done=announced', 303);
  });

  app.get('/console/audit', { preHandler: guard('audit') }, async (request, reply) => {
    const rows = await auditLog(deps.store, deps.sessions, 500);
    const body = (ctx: ViewContext): Html =>
      html`<h1>Audit log</h1><p class="lede">Every edit, approval, rejection, timeout and sign-in, newest first. Each incident keeps its own part in its record.</p>${auditTable(rows, ctx, true)}`;
    return send(request, reply, { title: 'Audit log', section: 'audit', body });
  });
}
