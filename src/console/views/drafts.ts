import { createHash } from 'node:crypto';
import { draftId } from '../../approval/drafts.ts';
import type { Waiting } from '../../approval/service.ts';
import { draftDetail } from '../../approval/views.ts';
import { draftPath } from '../../notices/notice.ts';
import { MAX_WEIGHTED_LENGTH, weightedLength } from '../../compose/tweet-length.ts';
import { html, type Html } from '../html.ts';
import { pager } from '../paging.ts';
import type { Paged } from '../../paging.ts';
import { DEFAULT_ACCOUNT } from '../../incidents/accounts.ts';
import { can } from '../../auth/access.ts';
import { questionText, ruleText } from '../stored-words.ts';
import { csrfField, formatTime, noteText, relative, tweetLangOf, type ViewContext } from './layout.ts';

/** A failed edit, shown on its draft with the text the person typed. */
export interface DraftError {
  text: string;
  message: string;
  details: readonly string[];
}

const path = draftPath;

/** Short content hash, so the live list swaps in only the drafts that changed. */
const version = (value: unknown): string => createHash('sha1').update(JSON.stringify(value)).digest('base64url').slice(0, 12);

/** The weighted length as X counts it; the browser keeps it live through `/console/measure`. */
export function meter(text: string): Html {
  const length = weightedLength(text);
  return html`<div class="meter"><output class="counter${length > MAX_WEIGHTED_LENGTH ? ' over' : ''}" data-counter>${length} / ${MAX_WEIGHTED_LENGTH}</output><span class="problems" data-problems></span></div>`;
}

function tweetLink(ctx: ViewContext, tweetId: string | null, account: string): Html {
  if (!tweetId) return html``;
  const url = ctx.tweetUrl(tweetId, account);
  return url ? html` · <a href="${url}" target="_blank" rel="noopener noreferrer">${ctx.tr.t('draft.viewOnX')}</a>` : html` · ${ctx.tr.t('draft.dryRun', { id: tweetId })}`;
}

function deadlineLine(d: ReturnType<typeof draftDetail>, ctx: ViewContext): Html {
  if (!d.deadline) return html``;
  const { t } = ctx.tr;
  const deadline = t('draft.deadline', { time: formatTime(d.deadline, ctx), relative: relative(d.deadline, ctx), outcome: d.onTimeout ?? 'post' });
  const due = Date.parse(d.dueAt) > ctx.now.getTime() ? ` ${t('draft.notBefore', { time: formatTime(d.dueAt, ctx) })}` : '';
  return html`<p class="deadline"><time datetime="${d.deadline}"><strong>${deadline}</strong></time>${due} <span class="rule">${t('draft.why', { rule: d.rule ? (ruleText(d.rule, ctx.tr) ?? d.rule) : '' })}</span></p>`;
}

function editor(d: ReturnType<typeof draftDetail>, ctx: ViewContext, error: DraftError | undefined): Html {
  const text = error?.text ?? d.text;
  const { t } = ctx.tr;
  if (!ctx.principal || !can(ctx.principal.role, 'decide')) {
    return html`<div class="tweet-text"${tweetLangOf(ctx, d.account)}>${d.text}</div>${meter(d.text)}`;
  }
  const fieldId = `text-${d.id}`;
  return html`<form method="post" action="${path(d.id)}/approve" class="decide">
      ${csrfField(ctx)}
      <label class="visually-hidden" for="${fieldId}">${t('draft.textLabel')}</label>
      <textarea id="${fieldId}" name="text" rows="5" data-measure${tweetLangOf(ctx, d.account)}>${text}</textarea>
      ${meter(text)}
      ${error ? html`<div class="form-error" role="alert"><strong>${error.message}</strong><ul>${error.details.map((x) => html`<li>${x}</li>`)}</ul></div>` : ''}
      <div class="actions">
        <button type="submit" class="secondary" formaction="${path(d.id)}/edit">${t('draft.save')}</button>
        <button type="submit" class="primary">${t('draft.approve')}</button>
      </div>
    </form>`;
}

export function draftCard(w: Waiting, ctx: ViewContext, error?: DraftError): Html {
  const d = draftDetail(w.incident, w.post);
  const decide = ctx.principal !== null && can(ctx.principal.role, 'decide') && d.status === 'draft';
  const { t } = ctx.tr;
  const subject =
    d.topic === 'announcement'
      ? html`<span>${t('names.kind.announcement')}</span>`
      : html`<span>${d.service} · ${t(`names.feature.${d.feature}`)}</span> <span class="sev sev-${d.severity}">${t(`names.severity.${d.severity}`)}</span>`;
  return html`<article class="draft" id="draft-${d.id}" data-id="${d.id}" data-version="${version(d)}">
  <header>
    <span class="kind kind-${d.kind}">${t(`names.kind.${d.kind}`)}</span>
    <a href="/console/incidents/${encodeURIComponent(d.incident)}">${d.incident}</a>
    ${subject}
    ${d.account && d.account !== DEFAULT_ACCOUNT ? html`<span class="account" title="${t('draft.accountHint')}">${t('draft.account', { account: d.account })}</span>` : ''}
    ${d.editedByPerson ? html`<span class="edited">${t('draft.edited')}</span>` : ''}
    <a class="permalink" href="${path(d.id)}">${t('draft.permalink')}</a>
  </header>
  ${deadlineLine(d, ctx)}
  ${d.question ? html`<p class="question">${questionText(d.question, ctx.tr)}</p>` : ''}
  ${d.note ? html`<p class="note">${noteText(d.note, ctx)}</p>` : ''}
  <ol class="thread" aria-label="${t('draft.thread')}">
    ${d.thread.map(
      (p) => html`<li class="tweet ${p.status}"><div class="tweet-text"${tweetLangOf(ctx, d.account)}>${p.text ?? ''}</div><div class="tweet-meta">${ctx.tr.t(`names.kind.${p.kind}`)} · ${ctx.tr.t(`names.status.${p.status}`)}${tweetLink(ctx, p.tweetId, d.account)}</div></li>`,
    )}
    <li class="tweet draft-tweet">${d.status === 'draft' ? editor(d, ctx, error) : html`<div class="tweet-text"${tweetLangOf(ctx, d.account)}>${d.text}</div><div class="tweet-meta">${t(`names.status.${d.status}`)}</div>`}</li>
  </ol>
  ${decide
    ? html`<form class="reject" method="post" action="${path(d.id)}/reject">${csrfField(ctx)}
        <input name="reason" required maxlength="500" placeholder="${t('draft.rejectPlaceholder')}" aria-label="${t('draft.rejectLabel')}">
        <button type="submit" class="danger">${t('draft.reject')}</button></form>`
    : ''}
</article>`;
}

/** The live part of the drafts page; the browser polls it and swaps in what changed. */
export function draftList(waiting: Paged<Waiting>, ctx: ViewContext, errors: Record<string, DraftError> = {}): Html {
  if (waiting.items.length === 0) return html`<p class="empty">${ctx.tr.t(waiting.page > 1 ? 'pages.beyond' : 'drafts.empty')}</p>`;
  return html`${waiting.items.map((w) => draftCard(w, ctx, errors[draftId(w.incident.key, w.post.id)]))}`;
}

/** `/console?page=2`: the page's own live fragment follows the same page. */
const draftsHref = (page: number) => (page === 1 ? '/console' : `/console?page=${page}`);

export function draftsPage(waiting: Paged<Waiting>, ctx: ViewContext, errors?: Record<string, DraftError>): Html {
  return html`<h1>${ctx.tr.t('drafts.title')}</h1>
<p class="lede">${ctx.tr.t('drafts.lede')}</p>
<section id="drafts" data-live="/console/drafts/live?page=${waiting.page}" aria-live="polite">${draftList(waiting, ctx, errors)}</section>
${draftsPager(waiting, ctx)}`;
}

/** The pager below the drafts; the live fragment carries it too, so counts and links follow new drafts. */
export const draftsPager = (waiting: Paged<Waiting>, ctx: ViewContext): Html => html`<div data-pager>${pager(waiting, draftsHref, ctx.tr)}</div>`;

/** One draft on its own page, whatever became of it: where staff notices link to. */
export function draftPage(w: Waiting, ctx: ViewContext): Html {
  const { t } = ctx.tr;
  const status = w.post.status;
  return html`<h1>${t('draft.pageTitle')}</h1>
${status === 'draft' ? '' : html`<p class="flash ok" role="status">${t('draft.noLongerWaiting', { status: t(`names.status.${status}`) })}${w.post.note ? html` (${noteText(w.post.note, ctx)})` : ''}</p>`}
${draftCard(w, ctx)}
<p><a href="/console">${t('draft.backToAll')}</a></p>`;
}
