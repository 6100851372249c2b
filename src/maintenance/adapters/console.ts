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
import { pageGuard } from '../../console/page-guard.ts';
import { csrfField, formatTime, layout, type Page, type ViewContext } from '../../console/views/layout.ts';
import { FEATURES } from '../../incidents/model.ts';
import { invalidPayload } from '../../errors.ts';
import { scheduleSchema } from '../input.ts';
import { maintenanceView, type MaintenanceView } from '../view.ts';
import { DEFAULT_ANNOUNCE_AHEAD } from '../window.ts';
import { MaintenanceError, type Maintenance } from './service.ts';

type Form = Record<string, string | undefined>;

const DONE: Record<string, string> = {
  scheduled: 'Scheduled: its notices go out at their times, through the approval policy.',
  finished: 'Finished: the "done" notice goes out now.',
  cancelled: 'Cancelled.',
};

const path = (key: string) => `/console/maintenance/${encodeURIComponent(key)}`;

function windowsTable(windows: readonly MaintenanceView[], ctx: ViewContext, decide: boolean): Html {
  if (windows.length === 0) return html`<p class="empty">No maintenance scheduled.</p>`;
  const rows = windows.map((w) => {
    const actions = !decide
      ? ''
      : w.state === 'in-progress'
        ? html`<form method="post" action="${path(w.key)}/done">${csrfField(ctx)}<button type="submit">Finish now</button></form>`
        : w.state === 'scheduled' || w.state === 'announced'
          ? html`<form method="post" action="${path(w.key)}/cancel">${csrfField(ctx)}<button type="submit" class="secondary">Cancel</button></form>`
          : '';
    return html`<tr data-key="${w.key}"><td>${w.service} · ${w.impacts.map((i) => i.feature).join(', ')}</td><td>${formatTime(w.startsAt, ctx)}</td><td>${formatTime(w.endsAt, ctx)}</td><td><span class="state state-${w.state}">${w.state}</span></td><td>${w.tweets.length}</td><td>${actions}</td></tr>`;
  });
  return html`<table class="list"><thead><tr><th>What</th><th>Starts</th><th>Ends</th><th>State</th><th>Tweets</th><th></th></tr></thead><tbody>${rows}</tbody></table>`;
}

function scheduleForm(ctx: ViewContext): Html {
  const options = FEATURES.map((f) => html`<option${f === 'other' ? html` selected` : ''}>${f}</option>`);
  return html`<h2>Schedule a window</h2>
<form method="post" action="/console/maintenance" class="stacked">${csrfField(ctx)}
  <label for="service">Service</label><input id="service" name="service" required maxlength="60" placeholder="KakaoTalk">
  <label for="feature">What people cannot do meanwhile</label><select id="feature" name="feature">${options}</select>
  <label for="startsAt">Starts (${ctx.timezone})</label><input id="startsAt" name="startsAt" type="datetime-local" required>
  <label for="endsAt">Ends (${ctx.timezone})</label><input id="endsAt" name="endsAt" type="datetime-local" required>
  <label for="announceAhead">Announce ahead</label><input id="announceAhead" name="announceAhead" value="${DEFAULT_ANNOUNCE_AHEAD.join(', ')}">
  <p class="hint">ISO-8601 durations before the start, comma-separated (PT24H is a day, PT30M half an hour); empty: the start is the first tweet. Notices whose moment has passed go out as one, at once.</p>
  <button type="submit">Schedule</button>
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
  tweetUrl(id: string): string | undefined;
}

export async function maintenanceConsole(app: FastifyInstance, deps: MaintenanceConsoleDeps) {
  const context = (request: FastifyRequest, reply: FastifyReply): ViewContext => ({
    principal: request.principal,
    csrf: csrfToken(request, reply),
    ...speechFor(request, deps.users, { locale: deps.locale, timezone: deps.timezone }),
    now: new Date(),
    tweetUrl: deps.tweetUrl,
  });
  const send = (request: FastifyRequest, reply: FastifyReply, page: Omit<Page, 'drafts'>, status = 200) =>
    reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(layout(context(request, reply), { section: 'maintenance', ...page }));
  const guard = pageGuard(send);
  const deciding = { preHandler: [guard('decide'), app.csrfProtection.bind(app)] };
  const actor = (request: FastifyRequest) => request.principal!.name;

  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    if (error instanceof MaintenanceError || error.name === 'InvalidPayload') {
      const details = (error as { details?: string[] }).details ?? [];
      const status = error instanceof MaintenanceError ? error.status : 400;
      const body = html`<h1>Not done</h1><p class="flash error">${error.message}</p><ul>${details.map((d) => html`<li>${d}</li>`)}</ul><p><a href="/console/maintenance">Back to maintenance</a></p>`;
      return send(request, reply, { title: 'Not done', body }, status);
    }
    throw error;
  });

  app.get<{ Querystring: { done?: string } }>('/console/maintenance', { preHandler: guard('view') }, async (request, reply) => {
    const now = Date.now();
    const windows = (await deps.maintenance.list()).map((i) => maintenanceView(i, now));
    const decide = can(request.principal!.role, 'decide');
    const done = request.query.done && DONE[request.query.done];
    const body = (ctx: ViewContext) => html`<h1>Scheduled maintenance</h1>${windowsTable(windows, ctx, decide)}${decide ? scheduleForm(ctx) : ''}`;
    return send(request, reply, { title: 'Maintenance', body, flash: done ? { kind: 'ok', text: done } : undefined });
  });

  app.post<{ Body: Form }>('/console/maintenance', deciding, async (request, reply) => {
    const b = request.body ?? {};
    const ahead = (b.announceAhead ?? '').split(',').map((d) => d.trim()).filter((d) => d !== '');
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
