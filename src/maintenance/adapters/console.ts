/**
 * The console's maintenance page: schedule a window, see them all, finish one early or cancel it.
 * Server-rendered forms that work without JavaScript, each with its CSRF token, for people with
 * the `decide` permission (viewers see the list).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DateTime } from 'luxon';
import { html, type Html } from '../../console/html.ts';
import { csrfToken } from '../../auth/plugin.ts';
import type { ConsoleLocale } from '../../console/i18n.ts';
import { speechFor } from '../../console/locale.ts';
import { can } from '../../auth/access.ts';
import type { ConsoleUser } from '../../auth/users.ts';
import { pageGuard, type SendPage } from '../../console/page-guard.ts';
import { csrfField, formatTime, layout, type Page, type ViewContext } from '../../console/views/layout.ts';
import { HeraldError, invalidPayload } from '../../errors.ts';
import { FEATURES } from '../../incidents/model.ts';
import { scheduleSchema } from '../input.ts';
import { maintenanceView, type MaintenanceView } from '../view.ts';
import { DEFAULT_ANNOUNCE_AHEAD } from '../window.ts';
import type { Maintenance } from './service.ts';

type Form = Record<string, string | undefined>;

/** What `?done=` may say, each with its message under `maintenance.done.` in the catalog. */
const DONE = new Set(['scheduled', 'finished', 'cancelled']);

const path = (key: string) => `/console/maintenance/${encodeURIComponent(key)}`;

function windowsTable(windows: readonly MaintenanceView[], ctx: ViewContext, decide: boolean): Html {
  const { t } = ctx.tr;
  if (windows.length === 0) return html`<p class="empty">${t('maintenance.empty')}</p>`;
  const rows = windows.map((w) => {
    const actions = !decide
      ? ''
      : w.state === 'in-progress'
        ? html`<form method="post" action="${path(w.key)}/done">${csrfField(ctx)}<button type="submit">${t('maintenance.finish')}</button></form>`
        : w.state === 'scheduled' || w.state === 'announced'
          ? html`<form method="post" action="${path(w.key)}/cancel">${csrfField(ctx)}<button type="submit" class="secondary">${t('maintenance.cancel')}</button></form>`
          : '';
    return html`<tr data-key="${w.key}"><td data-label="${t('maintenance.col.what')}">${w.service} · ${w.impacts.map((i) => t(`names.feature.${i.feature}`)).join(', ')}</td><td data-label="${t('maintenance.col.starts')}">${formatTime(w.startsAt, ctx)}</td><td data-label="${t('maintenance.col.ends')}">${formatTime(w.endsAt, ctx)}</td><td data-label="${t('maintenance.col.state')}"><span class="state state-${w.state}">${t(`maintenance.state.${w.state}`)}</span></td><td data-label="${t('maintenance.col.tweets')}">${w.tweets.length}</td><td data-label="${t('maintenance.col.actions')}">${actions}</td></tr>`;
  });
  return html`<table class="list"><thead><tr><th>${t('maintenance.col.what')}</th><th>${t('maintenance.col.starts')}</th><th>${t('maintenance.col.ends')}</th><th>${t('maintenance.col.state')}</th><th>${t('maintenance.col.tweets')}</th><th><span class="visually-hidden">${t('maintenance.col.actions')}</span></th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** "PT24H" as a person types it: "24h"; "PT1H30M": "1h30m"; "P1D": "1d". */
export function shortDuration(iso: string): string {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/i.exec(iso);
  if (!m || !(m[1] || m[2] || m[3])) return iso;
  return `${m[1] ? `${m[1]}d` : ''}${m[2] ? `${m[2]}h` : ''}${m[3] ? `${m[3]}m` : ''}`;
}

/** "24h", "30m", "1h30m", "1d" back to ISO-8601 (PT24H, PT30M, PT1H30M, P1D); ISO passes as it is. */
export function isoDuration(typed: string): string {
  const m = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$/i.exec(typed.replace(/\s+/g, ''));
  if (!m || !(m[1] || m[2] || m[3])) return typed;
  const time = `${m[2] ? `${m[2]}H` : ''}${m[3] ? `${m[3]}M` : ''}`;
  return `P${m[1] ? `${m[1]}D` : ''}${time ? `T${time}` : ''}`;
}

function scheduleForm(ctx: ViewContext): Html {
  const { t } = ctx.tr;
  const options = FEATURES.map((f) => html`<option value="${f}"${f === 'other' ? html` selected` : ''}>${t(`names.feature.${f}`)}</option>`);
  return html`<h2>${t('maintenance.scheduleTitle')}</h2>
<form method="post" action="/console/maintenance" class="stacked">${csrfField(ctx)}
  <label for="service">${t('maintenance.service')}</label><input id="service" name="service" required maxlength="60" placeholder="KakaoTalk">
  <label for="feature">${t('maintenance.feature')}</label><select id="feature" name="feature">${options}</select>
  <label for="startsAt">${t('maintenance.starts', { zone: ctx.timezone })}</label><input id="startsAt" name="startsAt" type="datetime-local" required>
  <label for="endsAt">${t('maintenance.ends', { zone: ctx.timezone })}</label><input id="endsAt" name="endsAt" type="datetime-local" required>
  <label for="announceAhead">${t('maintenance.announceAhead')}</label><input id="announceAhead" name="announceAhead" value="${DEFAULT_ANNOUNCE_AHEAD.map(shortDuration).join(', ')}">
  <p class="hint">${t('maintenance.announceHint')}</p>
  <button type="submit">${t('maintenance.submit')}</button>
</form>`;
}

/** A datetime-local value read in the console's zone, with its offset, as the API takes it. */
function zoned(value: string | undefined, zone: string): string | undefined {
  if (!value) return value;
  const t = DateTime.fromISO(value, { zone });
  return t.isValid ? (t.toISO() ?? value) : value;
}

export interface MaintenanceConsoleDeps {
  maintenance: Maintenance;
  users: readonly ConsoleUser[];
  locale: ConsoleLocale;
  timezone: string;
  tweetUrl: ViewContext['tweetUrl'];
  dryRun?: boolean;
  /** How many drafts wait, for the navigation's badge. */
  waiting?: () => Promise<number>;
}

export async function maintenanceConsole(app: FastifyInstance, deps: MaintenanceConsoleDeps) {
  const context = (request: FastifyRequest, reply: FastifyReply): ViewContext => ({
    principal: request.principal,
    csrf: csrfToken(request, reply),
    ...speechFor(request, deps.users, { locale: deps.locale, timezone: deps.timezone }),
    now: new Date(),
    tweetUrl: deps.tweetUrl,
    dryRun: deps.dryRun,
  });
  const send: SendPage = async (request, reply, page, status = 200) => {
    const drafts = request.principal && deps.waiting ? await deps.waiting() : undefined;
    return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(layout(context(request, reply), { section: 'maintenance', ...page, drafts }));
  };
  const guard = pageGuard(send);
  const deciding = { preHandler: [guard('decide'), app.csrfProtection.bind(app)] };
  const actor = (request: FastifyRequest) => request.principal!.name;

  // A refusal (a MaintenanceError, a form that does not parse) is a page; the rest goes to the one handler.
  app.setErrorHandler(async (error: FastifyError | HeraldError, request, reply) => {
    if (error instanceof HeraldError && error.status < 500) {
      const { details, status } = error;
      const body = (ctx: ViewContext) =>
        html`<h1>${ctx.tr.t('errors.notDone')}</h1><p class="flash error" lang="en">${error.message}</p><ul lang="en">${details.map((d) => html`<li>${d}</li>`)}</ul><p><a href="/console/maintenance">${ctx.tr.t('maintenance.back')}</a></p>`;
      return send(request, reply, { title: (ctx) => ctx.tr.t('titles.notDone'), body }, status);
    }
    throw error;
  });

  app.get<{ Querystring: { done?: string } }>('/console/maintenance', { preHandler: guard('view') }, async (request, reply) => {
    const now = Date.now();
    const windows = (await deps.maintenance.list()).map((i) => maintenanceView(i, now));
    const decide = can(request.principal!.role, 'decide');
    const done = request.query.done && DONE.has(request.query.done) ? request.query.done : undefined;
    const body = (ctx: ViewContext) => html`<h1>${ctx.tr.t('maintenance.title')}</h1>${windowsTable(windows, ctx, decide)}${decide ? scheduleForm(ctx) : ''}`;
    const flash = done ? { kind: 'ok' as const, text: speechFor(request, deps.users, { locale: deps.locale, timezone: deps.timezone }).tr.t(`maintenance.done.${done}`) } : undefined;
    return send(request, reply, { title: (ctx) => ctx.tr.t('titles.maintenance'), body, flash });
  });

  app.post<{ Body: Form }>('/console/maintenance', deciding, async (request, reply) => {
    const b = request.body ?? {};
    const ahead = (b.announceAhead ?? '').split(',').map((d) => isoDuration(d.trim())).filter((d) => d !== '');
    const parsed = scheduleSchema.safeParse({ service: b.service, feature: b.feature, startsAt: zoned(b.startsAt, deps.timezone), endsAt: zoned(b.endsAt, deps.timezone), announceAhead: ahead });
    if (!parsed.success) throw invalidPayload(parsed.error, 'the window');
    await deps.maintenance.schedule(actor(request), parsed.data);
    return reply.redirect('/console/maintenance?done=scheduled', 303);
  });

  app.post<{ Params: { key: string } }>('/console/maintenance/:key/done', deciding, async (request, reply) => {
    await deps.maintenance.finish(actor(request), request.params.key);
    return reply.redirect('/console/maintenance?done=finished', 303);
  });

  app.post<{ Params: { key: string } }>('/console/maintenance/:key/cancel', deciding, async (request, reply) => {
    await deps.maintenance.cancel(actor(request), request.params.key);
    return reply.redirect('/console/maintenance?done=cancelled', 303);
  });
}
