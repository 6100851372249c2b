import { draftId } from '../../approval/drafts.ts';
import { publicKind } from '../../approval/views.ts';
import { FEATURES, SEVERITIES, type AuditEntry, type Incident } from '../../incidents/model.ts';
import { html, type Html } from '../html.ts';
import { can } from '../users.ts';
import { meter } from './drafts.ts';
import { csrfField, formatTime, type ViewContext } from './layout.ts';

const incidentPath = (key: string) => `/console/incidents/${encodeURIComponent(key)}`;

export function incidentsPage(incidents: readonly Incident[], ctx: ViewContext): Html {
  const rows = incidents.map((i) => {
    const tweets = i.posts.filter((p) => p.status === 'posted').length;
    const drafts = i.posts.filter((p) => p.status === 'draft').length;
    return html`<tr>
      <td><a href="${incidentPath(i.key)}">${i.key}</a></td>
      <td>${i.topic === 'announcement' ? 'announcement' : html`${i.service} · ${i.feature}`}</td>
      <td>${i.topic === 'announcement' ? '' : html`<span class="sev sev-${i.severity}">${i.severity}</span>`}</td>
      <td><span class="state state-${i.state}">${i.topic === 'announcement' ? 'note' : i.state}</span></td>
      <td>${formatTime(i.firstSeenAt, ctx)}</td>
      <td>${tweets}${drafts ? html` <a class="pending" href="/console">+${drafts} waiting</a>` : ''}</td>
    </tr>`;
  });
  return html`<h1>Incidents</h1>
${ctx.principal && can(ctx.principal.role, 'decide') ? html`<p><a class="button" href="/console/incidents/new">Open an incident by hand</a></p>` : ''}
${incidents.length === 0
  ? html`<p class="empty">No incidents yet.</p>`
  : html`<table class="list"><thead><tr><th>Incident</th><th>What</th><th>Severity</th><th>State</th><th>First seen</th><th>Tweets</th></tr></thead><tbody>${rows}</tbody></table>`}`;
}

function textField(name: string, label: string, hint: string, required = false): Html {
  return html`<label for="${name}">${label}</label>
  <textarea id="${name}" name="${name}" rows="4" data-measure${required ? html` required` : ''}></textarea>
  ${meter('')}
  <p class="hint">${hint}</p>`;
}

export function auditTable(entries: readonly (AuditEntry & { incident?: string })[], ctx: ViewContext, withIncident: boolean): Html {
  if (entries.length === 0) return html`<p class="empty">Nothing recorded yet.</p>`;
  return html`<div class="scroll"><table class="list audit"><thead><tr><th>When</th><th>Who</th><th>What</th>${withIncident ? html`<th>Incident</th>` : ''}<th>Post</th><th>Before</th><th>After</th><th>Why</th></tr></thead><tbody>
  ${entries.map(
    (e) => html`<tr><td>${formatTime(e.at, ctx)}</td><td>${e.actor}</td><td>${e.action}</td>${withIncident ? html`<td>${e.incident ? html`<a href="${incidentPath(e.incident)}">${e.incident}</a>` : ''}</td>` : ''}<td>${e.postId ?? ''}</td><td class="text">${e.before ?? ''}</td><td class="text">${e.after ?? ''}</td><td>${e.reason ?? ''}</td></tr>`,
  )}</tbody></table></div>`;
}

export function incidentPage(incident: Incident, ctx: ViewContext, extra?: (ctx: ViewContext) => Html): Html {
  const decide = ctx.principal !== null && can(ctx.principal.role, 'decide');
  const isNote = incident.topic === 'announcement';
  const posts = incident.posts.map((p) => {
    // Bluesky and Mastodon posts carry their own address; X's is built from the id.
    const url = p.tweetUrl ?? (p.tweetId ? ctx.tweetUrl(p.tweetId) : undefined);
    const where = p.tweetUrl ? `view${p.account ? ` (${p.account})` : ''}` : 'view on X';
    const link = p.tweetId ? (url ? html` · <a href="${url}" target="_blank" rel="noopener noreferrer">${where}</a>` : html` · tweet ${p.tweetId} (dry-run)`) : '';
    const pending = p.status === 'draft' ? html` · <a href="/console#draft-${draftId(incident.key, p.id)}">decide</a>` : '';
    return html`<li class="tweet ${p.status}"><div class="tweet-text">${p.text ?? html`<em>not composed yet</em>`}</div>
      <div class="tweet-meta">${publicKind(p)} · <span class="status status-${p.status}">${p.status}</span>${p.postedAt ? html` ${formatTime(p.postedAt, ctx)}` : ''}${link}${pending}${p.root && p.kind !== 'open' ? ' · new thread' : ''}</div>
      ${p.note ? html`<div class="note">${p.note}</div>` : ''}</li>`;
  });
  const path = incidentPath(incident.key);
  const actions =
    decide && !isNote && incident.state === 'open'
      ? html`<section class="by-hand"><h2>Post into this thread</h2>
    <form method="post" action="${path}/updates">${csrfField(ctx)}
      ${textField('update-text', 'Update (optional)', 'Leave it empty to use the template. It waits as a draft for approval like any other.')}
      <button type="submit">Draft an update</button></form>
    <form method="post" action="${path}/resolve">${csrfField(ctx)}
      ${textField('resolve-text', 'Resolution (optional)', 'Marks the incident resolved. Leave it empty to use the template.')}
      <button type="submit" class="primary">Resolve</button></form></section>`
      : '';
  return html`<h1>${isNote ? 'Announcement' : 'Incident'} <code>${incident.key}</code></h1>
<dl class="facts">
  ${isNote ? '' : html`<dt>State</dt><dd><span class="state state-${incident.state}">${incident.state}</span></dd>
  <dt>Service</dt><dd>${incident.service} · ${incident.feature}</dd>
  <dt>Severity</dt><dd><span class="sev sev-${incident.severity}">${incident.severity}</span></dd>
  <dt>Started</dt><dd>${formatTime(incident.openedAt, ctx)}</dd>
  ${incident.resolvedAt ? html`<dt>Resolved</dt><dd>${formatTime(incident.resolvedAt, ctx)}</dd>` : ''}
  <dt>Events</dt><dd>${incident.events}</dd>`}
</dl>
<h2>Thread</h2>
${posts.length ? html`<ol class="thread">${posts}</ol>` : html`<p class="empty">Nothing planned or posted.</p>`}
${actions}
${extra && !isNote ? extra(ctx) : ''}
${ctx.principal && can(ctx.principal.role, 'audit') ? html`<h2>Audit log</h2>${auditTable([...(incident.audit ?? [])].reverse(), ctx, false)}` : ''}`;
}

const options = (values: readonly string[], selected?: string) => values.map((v) => html`<option${v === selected ? html` selected` : ''}>${v}</option>`);

export function newIncidentPage(ctx: ViewContext): Html {
  return html`<h1>Open an incident by hand</h1>
<p class="lede">For an outage monitoring did not catch. Its announcement waits as a draft, so you see the tweet before it goes out.</p>
<form method="post" action="/console/incidents" class="stacked">${csrfField(ctx)}
  <label for="service">Service</label><input id="service" name="service" required maxlength="60" placeholder="KakaoTalk">
  <label for="feature">What people cannot do</label><select id="feature" name="feature">${options(FEATURES, 'notifications')}</select>
  <label for="severity">Severity</label><select id="severity" name="severity">${options(SEVERITIES, 'major')}</select>
  <label for="key">Incident key (optional)</label><input id="key" name="key" maxlength="200" pattern="[A-Za-z0-9_.~-]+" placeholder="made up when empty">
  ${textField('text', 'Announcement (optional)', 'Leave it empty to use the template for this feature.')}
  <button type="submit" class="primary">Open and draft the announcement</button>
</form>`;
}

export function announcementPage(ctx: ViewContext): Html {
  return html`<h1>Write an announcement</h1>
<p class="lede">A note that is not an outage: a new feature, an event, safety guidance. It goes through the same approval as outage tweets.</p>
<form method="post" action="/console/announcements" class="stacked">${csrfField(ctx)}
  <label for="service">Service</label><input id="service" name="service" required maxlength="60" placeholder="KakaoTalk">
  ${textField('text', 'Text', 'herald adds the service name around it; the draft shows the exact tweet and its length.', true)}
  <button type="submit" class="primary">Draft the announcement</button>
</form>`;
}
