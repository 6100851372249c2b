import { createHash } from 'node:crypto';
import { draftId } from '../../approval/drafts.ts';
import type { Waiting } from '../../approval/service.ts';
import { draftDetail } from '../../approval/views.ts';
import { MAX_WEIGHTED_LENGTH, weightedLength } from '../../compose/tweet-length.ts';
import { html, type Html } from '../html.ts';
import { can } from '../users.ts';
import { csrfField, formatTime, relative, type ViewContext } from './layout.ts';

/** A failed edit, shown on its draft with the text the person typed. */
export interface DraftError {
  text: string;
  message: string;
  details: readonly string[];
}

const path = (id: string) => `/console/drafts/${encodeURIComponent(id)}`;

/** Short content hash, so the live list swaps in only the drafts that changed. */
const version = (value: unknown): string => createHash('sha1').update(JSON.stringify(value)).digest('base64url').slice(0, 12);

/** The weighted length as X counts it; the browser keeps it live through `/console/measure`. */
export function meter(text: string): Html {
  const length = weightedLength(text);
  return html`<div class="meter"><output class="counter${length > MAX_WEIGHTED_LENGTH ? ' over' : ''}" data-counter>${length} / ${MAX_WEIGHTED_LENGTH}</output><span class="problems" data-problems></span></div>`;
}

function tweetLink(ctx: ViewContext, tweetId: string | null): Html {
  if (!tweetId) return html``;
  const url = ctx.tweetUrl(tweetId);
  return url ? html` · <a href="${url}" target="_blank" rel="noopener noreferrer">view on X</a>` : html` · tweet ${tweetId} (dry-run)`;
}

function deadlineLine(d: ReturnType<typeof draftDetail>, ctx: ViewContext): Html {
  if (!d.deadline) return html``;
  const outcome = d.onTimeout === 'post' ? html`<strong>is posted anyway</strong>` : html`<strong>expires</strong> unposted`;
  const due = Date.parse(d.dueAt) > ctx.now.getTime() ? html` Not before ${formatTime(d.dueAt, ctx)} (grace period).` : '';
  return html`<p class="deadline">If nobody decides, it ${outcome} at <time datetime="${d.deadline}">${formatTime(d.deadline, ctx)}</time> (${relative(d.deadline, ctx.now)}).${due} <span class="rule">Why it waits: ${d.rule}.</span></p>`;
}

function editor(d: ReturnType<typeof draftDetail>, ctx: ViewContext, error: DraftError | undefined): Html {
  const text = error?.text ?? d.text;
  if (!ctx.principal || !can(ctx.principal.role, 'decide')) {
    return html`<div class="tweet-text">${d.text}</div>${meter(d.text)}`;
  }
  const fieldId = `text-${d.id}`;
  return html`<form method="post" action="${path(d.id)}/approve" class="decide">
      ${csrfField(ctx)}
      <label class="visually-hidden" for="${fieldId}">Tweet text</label>
      <textarea id="${fieldId}" name="text" rows="5" data-measure>${text}</textarea>
      ${meter(text)}
      ${error ? html`<div class="form-error" role="alert"><strong>${error.message}</strong><ul>${error.details.map((x) => html`<li>${x}</li>`)}</ul></div>` : ''}
      <div class="actions">
        <button type="submit" class="secondary" formaction="${path(d.id)}/edit">Save edit</button>
        <button type="submit" class="primary">Approve and post</button>
      </div>
    </form>`;
}

export function draftCard(w: Waiting, ctx: ViewContext, error?: DraftError): Html {
  const d = draftDetail(w.incident, w.post);
  const decide = ctx.principal !== null && can(ctx.principal.role, 'decide');
  const subject = d.topic === 'announcement' ? html`<span>announcement</span>` : html`<span>${d.service} · ${d.feature}</span> <span class="sev sev-${d.severity}">${d.severity}</span>`;
  return html`<article class="draft" id="draft-${d.id}" data-id="${d.id}" data-version="${version(d)}">
  <header>
    <span class="kind kind-${d.kind}">${d.kind}</span>
    <a href="/console/incidents/${encodeURIComponent(d.incident)}">${d.incident}</a>
    ${subject}
    ${d.account ? html`<span class="account" title="Posted on this account, in its language">account ${d.account}</span>` : ''}
    ${d.editedByPerson ? html`<span class="edited">edited</span>` : ''}
  </header>
  ${deadlineLine(d, ctx)}
  ${d.question ? html`<p class="question">${d.question}</p>` : ''}
  ${d.note ? html`<p class="note">${d.note}</p>` : ''}
  <ol class="thread" aria-label="Thread it joins">
    ${d.thread.map(
      (t) => html`<li class="tweet ${t.status}"><div class="tweet-text">${t.text ?? ''}</div><div class="tweet-meta">${t.kind} · ${t.status}${tweetLink(ctx, t.tweetId)}</div></li>`,
    )}
    <li class="tweet draft-tweet">${editor(d, ctx, error)}</li>
  </ol>
  ${decide
    ? html`<form class="reject" method="post" action="${path(d.id)}/reject">${csrfField(ctx)}
        <input name="reason" required maxlength="500" placeholder="Why should this not be posted?" aria-label="Reason to reject">
        <button type="submit" class="danger">Reject</button></form>`
    : ''}
</article>`;
}

/** The live part of the drafts page; the browser polls it and swaps in what changed. */
export function draftList(waiting: readonly Waiting[], ctx: ViewContext, errors: Record<string, DraftError> = {}): Html {
  if (waiting.length === 0) return html`<p class="empty">No drafts waiting. New ones appear here by themselves.</p>`;
  return html`${waiting.map((w) => draftCard(w, ctx, errors[draftId(w.incident.key, w.post.id)]))}`;
}

export function draftsPage(waiting: readonly Waiting[], ctx: ViewContext, errors?: Record<string, DraftError>): Html {
  return html`<h1>Waiting for approval</h1>
<p class="lede">Each draft is shown as the tweet it will be, under the tweets of the thread it joins.</p>
<section id="drafts" data-live="/console/drafts/live" aria-live="polite">${draftList(waiting, ctx, errors)}</section>`;
}
