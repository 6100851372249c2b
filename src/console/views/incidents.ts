import { draftId } from '../../approval/drafts.ts';
import { publicKind } from '../../approval/views.ts';
import { accountOf } from '../../incidents/accounts.ts';
import { FEATURES, SEVERITIES, type AuditEntry, type Incident } from '../../incidents/model.ts';
import { html, type Html } from '../html.ts';
import { pager } from '../paging.ts';
import type { Paged } from '../../paging.ts';
import { can } from '../../auth/access.ts';
import { meter } from './drafts.ts';
import { csrfField, formatTime, noteText, tweetLangOf, type ViewContext } from './layout.ts';
import { draftPath } from '../../notices/notice.ts';
import { actorName } from '../stored-words.ts';

const incidentPath = (key: string) => `/console/incidents/${encodeURIComponent(key)}`;

export function incidentsPage(paged: Paged<Incident>, ctx: ViewContext): Html {
  const { t } = ctx.tr;
  const incidents = paged.items;
  const rows = incidents.map((i) => {
    const tweets = i.posts.filter((p) => p.status === 'posted').length;
    const drafts = i.posts.filter((p) => p.status === 'draft').length;
    return html`<tr>
      <td class="id" data-label="${t('incidents.col.incident')}"><a href="${incidentPath(i.key)}">${i.key}</a></td>
      <td data-label="${t('incidents.col.what')}">${i.topic === 'announcement' ? t('names.kind.announcement') : html`${i.service} · ${t(`names.feature.${i.feature}`)}`}</td>
      <td data-label="${t('incidents.col.severity')}">${i.topic === 'announcement' ? '' : html`<span class="sev sev-${i.severity}">${t(`names.severity.${i.severity}`)}</span>`}</td>
      <td data-label="${t('incidents.col.state')}"><span class="state state-${i.state}">${t(i.topic === 'announcement' ? 'names.state.note' : `names.state.${i.state}`)}</span></td>
      <td data-label="${t('incidents.col.firstSeen')}">${formatTime(i.firstSeenAt, ctx)}</td>
      <td data-label="${t('incidents.col.tweets')}">${tweets}${drafts ? html` <a class="pending" href="/console">${t('incidents.waiting', { count: drafts })}</a>` : ''}</td>
    </tr>`;
  });
  return html`<h1>${t('incidents.title')}</h1>
${ctx.principal && can(ctx.principal.role, 'decide') ? html`<p><a class="button" href="/console/incidents/new">${t('incidents.openByHand')}</a></p>` : ''}
${incidents.length === 0
  ? html`<p class="empty">${t(paged.page > 1 ? 'pages.beyond' : 'incidents.empty')}</p>`
  : html`<table class="list"><thead><tr><th>${t('incidents.col.incident')}</th><th>${t('incidents.col.what')}</th><th>${t('incidents.col.severity')}</th><th>${t('incidents.col.state')}</th><th>${t('incidents.col.firstSeen')}</th><th>${t('incidents.col.tweets')}</th></tr></thead><tbody>${rows}</tbody></table>`}
${pager(paged, (page) => (page === 1 ? '/console/incidents' : `/console/incidents?page=${page}`), ctx.tr)}`;
}

function textField(name: string, label: string, hint: string, required = false): Html {
  return html`<label for="${name}">${label}</label>
  <textarea id="${name}" name="${name}" rows="4" data-measure${required ? html` required` : ''}></textarea>
  ${meter('')}
  <p class="hint">${hint}</p>`;
}

export function auditTable(entries: readonly (AuditEntry & { incident?: string })[], ctx: ViewContext, withIncident: boolean): Html {
  const { t } = ctx.tr;
  if (entries.length === 0) return html`<p class="empty">${t('audit.empty')}</p>`;
  return html`<div class="scroll"><table class="list audit"><thead><tr><th>${t('audit.col.when')}</th><th>${t('audit.col.who')}</th><th>${t('audit.col.what')}</th>${withIncident ? html`<th>${t('audit.col.incident')}</th>` : ''}<th>${t('audit.col.post')}</th><th>${t('audit.col.before')}</th><th>${t('audit.col.after')}</th><th>${t('audit.col.why')}</th></tr></thead><tbody>
  ${entries.map((e) => {
    // A post's text in its account's language; an entry from before the account was recorded has none.
    const lang = e.account === undefined ? '' : tweetLangOf(ctx, e.account);
    return html`<tr><td data-label="${t('audit.col.when')}">${formatTime(e.at, ctx)}</td><td data-label="${t('audit.col.who')}">${actorName(e.actor, ctx.tr)}</td><td data-label="${t('audit.col.what')}">${ctx.tr.maybe(`audit.action.${e.action.replace(/ /g, '-')}`) ?? e.action}</td>${withIncident ? html`<td class="id" data-label="${t('audit.col.incident')}">${e.incident ? html`<a href="${incidentPath(e.incident)}">${e.incident}</a>` : ''}</td>` : ''}<td class="id" data-label="${t('audit.col.post')}">${e.postId ?? ''}</td><td class="text" data-label="${t('audit.col.before')}"${lang}>${e.before ?? ''}</td><td class="text" data-label="${t('audit.col.after')}"${lang}>${e.after ?? ''}</td><td class="why" data-label="${t('audit.col.why')}">${e.reason ? noteText(e.reason, ctx) : ''}</td></tr>`;
  })}</tbody></table></div>`;
}

export function incidentPage(incident: Incident, ctx: ViewContext, extra?: (ctx: ViewContext) => Html): Html {
  const { t } = ctx.tr;
  const decide = ctx.principal !== null && can(ctx.principal.role, 'decide');
  const isNote = incident.topic === 'announcement';
  const posts = incident.posts.map((p) => {
    // Bluesky and Mastodon posts carry their own address; X's is built from the id.
    const url = p.tweetUrl ?? (p.tweetId ? ctx.tweetUrl(p.tweetId, accountOf(p)) : undefined);
    const where = p.tweetUrl ? `${accountOf(p)} ↗` : t('draft.viewOnX');
    const link = p.tweetId ? (url ? html` · <a href="${url}" target="_blank" rel="noopener noreferrer">${where}</a>` : html` · ${t('draft.dryRun', { id: p.tweetId })}`) : '';
    const pending = p.status === 'draft' ? html` · <a href="${draftPath(draftId(incident.key, p.id))}">${t('incident.decide')}</a>` : '';
    return html`<li class="tweet ${p.status}"><div class="tweet-text"${p.text ? tweetLangOf(ctx, accountOf(p)) : ''}>${p.text ?? html`<em>${t('incident.notComposed')}</em>`}</div>
      <div class="tweet-meta">${t(`names.kind.${publicKind(p)}`)} · <span class="status status-${p.status}">${t(`names.status.${p.status}`)}</span>${p.postedAt ? html` ${formatTime(p.postedAt, ctx)}` : ''}${link}${pending}${p.root && p.kind !== 'open' ? ` · ${t('incident.newThread')}` : ''}</div>
      ${p.note ? html`<div class="note">${noteText(p.note, ctx)}</div>` : ''}</li>`;
  });
  const path = incidentPath(incident.key);
  const actions =
    decide && !isNote && incident.state === 'open'
      ? html`<section class="by-hand"><h2>${t('incident.postInto')}</h2>
    <form method="post" action="${path}/updates">${csrfField(ctx)}
      ${textField('update-text', t('incident.updateLabel'), t('incident.updateHint'))}
      <button type="submit">${t('incident.draftUpdate')}</button></form>
    <form method="post" action="${path}/resolve">${csrfField(ctx)}
      ${textField('resolve-text', t('incident.resolveLabel'), t('incident.resolveHint'))}
      <button type="submit" class="primary">${t('incident.resolve')}</button></form></section>`
      : '';
  return html`<h1>${t(isNote ? 'incident.titleNote' : 'incident.title')} <code>${incident.key}</code></h1>
<dl class="facts">
  ${isNote ? '' : html`<dt>${t('incident.state')}</dt><dd><span class="state state-${incident.state}">${t(`names.state.${incident.state}`)}</span></dd>
  <dt>${t('incident.service')}</dt><dd>${incident.service} · ${t(`names.feature.${incident.feature}`)}</dd>
  <dt>${t('incident.severity')}</dt><dd><span class="sev sev-${incident.severity}">${t(`names.severity.${incident.severity}`)}</span></dd>
  <dt>${t('incident.started')}</dt><dd>${formatTime(incident.openedAt, ctx)}</dd>
  ${incident.resolvedAt ? html`<dt>${t('incident.resolved')}</dt><dd>${formatTime(incident.resolvedAt, ctx)}</dd>` : ''}
  <dt>${t('incident.events')}</dt><dd>${incident.events}</dd>`}
</dl>
<h2>${t('incident.thread')}</h2>
${posts.length ? html`<ol class="thread">${posts}</ol>` : html`<p class="empty">${t('incident.nothing')}</p>`}
${actions}
${extra && !isNote ? extra(ctx) : ''}
${ctx.principal && can(ctx.principal.role, 'audit') ? html`<h2>${t('audit.title')}</h2>${auditTable([...(incident.audit ?? [])].reverse(), ctx, false)}` : ''}`;
}

const options = (values: readonly string[], label: (v: string) => string, selected?: string) =>
  values.map((v) => html`<option value="${v}"${v === selected ? html` selected` : ''}>${label(v)}</option>`);

export function newIncidentPage(ctx: ViewContext): Html {
  const { t } = ctx.tr;
  return html`<h1>${t('newIncident.title')}</h1>
<p class="lede">${t('newIncident.lede')}</p>
<form method="post" action="/console/incidents" class="stacked">${csrfField(ctx)}
  <label for="service">${t('incident.service')}</label><input id="service" name="service" required maxlength="60" placeholder="KakaoTalk">
  <label for="feature">${t('newIncident.feature')}</label><select id="feature" name="feature">${options(FEATURES, (v) => t(`names.feature.${v}`), 'notifications')}</select>
  <label for="severity">${t('incident.severity')}</label><select id="severity" name="severity">${options(SEVERITIES, (v) => t(`names.severity.${v}`), 'major')}</select>
  <label for="key">${t('newIncident.key')}</label><input id="key" name="key" maxlength="200" pattern="[A-Za-z0-9_.~-]+" placeholder="${t('newIncident.keyPlaceholder')}">
  ${textField('text', t('newIncident.textLabel'), t('newIncident.textHint'))}
  <button type="submit" class="primary">${t('newIncident.submit')}</button>
</form>`;
}

export function announcementPage(ctx: ViewContext): Html {
  const { t } = ctx.tr;
  return html`<h1>${t('announcement.title')}</h1>
<p class="lede">${t('announcement.lede')}</p>
<form method="post" action="/console/announcements" class="stacked">${csrfField(ctx)}
  <label for="service">${t('incident.service')}</label><input id="service" name="service" required maxlength="60" placeholder="KakaoTalk">
  ${textField('text', t('announcement.textLabel'), t('announcement.textHint'), true)}
  <button type="submit" class="primary">${t('announcement.submit')}</button>
</form>`;
}
