import type { Composer } from '../incidents/delivery-rules.ts';
import type { Incident, Post } from '../incidents/model.ts';
import { threadRoot, type Applied } from '../incidents/rules.ts';
import { audited, replacePost } from '../incidents/draft-rules.ts';
import { BY_HAND, DEFAULT_TIMEOUTS, decideForSources, HERALD_SOURCES, type ApprovalDecision, type ApprovalPolicy } from './policy.ts';

/**
 * Applies the approval policy to what an event planned, inside the same atomic update as the
 * event itself: posts the policy holds become drafts carrying the text they would go out with.
 * Pure; `ctx.at` (the event's arrival) is the only time it knows.
 */

export interface HoldContext {
  policy: ApprovalPolicy;
  compose: Composer;
  /** The ingest route of the event, or `console` for a person's action. */
  source: string;
  at: string;
  /** The person who did this by hand; `herald` otherwise. */
  actor?: string;
  /** Text the person wrote for the post this action plans, already checked. */
  text?: string;
}

export const RESOLVED_UNANNOUNCED =
  'This outage was never announced, because nobody approved the announcement, and it is over now. Approve to post this as a tweet of its own, or reject to post nothing at all.';
export const RESOLVED_UNREOPENED =
  'Followers were never told the problem came back, because nobody approved that tweet. Approve to post this reply anyway, or reject to post nothing.';

const ms = (iso: string): number => Date.parse(iso);

/**
 * The policy's answer for a post of `incident` planned through `source`: the strictest rule among
 * every monitoring source the incident has heard from and this one (approval/policy.ts).
 */
function decide(incident: Incident, ctx: HoldContext): ApprovalDecision {
  // A free announcement is always written by a person.
  const sources = incident.topic === 'announcement' ? [BY_HAND] : [...new Set([...(incident.sources ?? []), ctx.source])];
  return decideForSources(ctx.policy, { severity: incident.severity, feature: incident.feature, sources });
}

/** Remembers which monitoring source spoke of the incident, so later posts answer to its rules too. */
function withSource(incident: Incident, source: string): Incident {
  if (HERALD_SOURCES.has(source) || incident.sources?.includes(source)) return incident;
  return { ...incident, sources: [...(incident.sources ?? []), source] };
}

/**
 * A maintenance window's "done" says the work is over when the window ends: it may wait for a
 * person like any post, but it goes out at that moment whether or not anyone approved it.
 */
const isWindowEnd = (post: Post): boolean => post.notice?.kind === 'done';

/**
 * The text the post would go out with now; a composing failure is kept as the draft's note. A
 * person sees it before it goes out, so it may say the current public note, and remembers which.
 */
function draftText(incident: Incident, post: Post, compose: Composer): Pick<Post, 'text' | 'variant' | 'note' | 'carriesNote'> {
  if (post.textFixed && post.text) return { text: post.text };
  try {
    const draft = compose(incident, post, undefined, 'current');
    return { text: draft.text, variant: draft.variant, ...(draft.publicNote && { carriesNote: draft.publicNote }) };
  } catch (err) {
    return { note: `no text could be composed: ${(err as Error).message}` };
  }
}

/**
 * A resolve that finds earlier posts still waiting for approval withdraws them: posting "it's
 * down" after "it's fixed" would be wrong. The resolution itself then asks whether to post
 * anything at all, standing alone when there is no thread for it to join.
 */
function withdrawUnapproved(incident: Incident, applied: Applied, at: string): { incident: Incident; cancelled: Post[]; question?: string } {
  const reply = applied.scheduled.find((p) => p.kind === 'resolved');
  const stale = incident.posts.filter((p) => p.status === 'draft' && p.kind !== 'resolved');
  if (!reply || stale.length === 0) return { incident, cancelled: [] };
  let next = incident;
  const cancelled: Post[] = [];
  for (const post of stale) {
    const dropped: Post = { ...post, status: 'cancelled', note: 'the incident was resolved before anyone approved it' };
    cancelled.push(dropped);
    next = audited(replacePost(next, dropped), { at, actor: 'herald', action: 'withdrawn', postId: post.id, before: post.text, reason: dropped.note });
  }
  const comingRoot = next.posts.some((p) => (p.kind === 'open' || p.root === true) && (p.status === 'scheduled' || p.status === 'sending'));
  const hasThread = threadRoot(next) !== undefined || comingRoot;
  if (!hasThread) next = replacePost(next, { ...reply, root: true });
  return { incident: next, cancelled, question: hasThread ? RESOLVED_UNREOPENED : RESOLVED_UNANNOUNCED };
}

/**
 * An incident that opens again while its resolution still waits for approval never looked fixed
 * to followers: the resolution is withdrawn, and so is the "it's back" tweet, which would be news
 * to nobody. The thread goes on as if it had never closed.
 */
function withdrawUnsentResolution(incident: Incident, applied: Applied, at: string): { incident: Incident; cancelled: Post[] } {
  const reopened = applied.scheduled.find((p) => p.kind === 'reopened');
  const resolution = incident.posts.find((p) => p.kind === 'resolved' && p.status === 'draft');
  if (!reopened || !resolution) return { incident, cancelled: [] };
  const dropped: Post[] = [
    { ...resolution, status: 'cancelled', note: 'the incident opened again before its resolution was approved' },
    { ...reopened, status: 'cancelled', note: 'followers were never told it was fixed, so there is nothing new to say' },
  ];
  let next = incident;
  for (const post of dropped) {
    next = audited(replacePost(next, post), { at, actor: 'herald', action: 'withdrawn', postId: post.id, before: post.text, reason: post.note });
  }
  return { incident: next, cancelled: dropped };
}

/** The question a root planned from an update for an unknown outage puts to a person (see rules.ts). */
export const UNSEEN_OPEN =
  'herald never saw this outage open (its open was lost, or Redis forgot it): is it already on X? Attach the live tweet (POST /api/incidents/:key/thread) or approve this to announce it';

function hold(incident: Incident, post: Post, ctx: HoldContext, question: string | undefined): Post {
  if (post.unseenOpen) {
    // Never posted on a timeout: a second root is the one mistake herald must not make on its own.
    const deadline = new Date(Math.max(ms(post.dueAt), ms(ctx.at)) + DEFAULT_TIMEOUTS[incident.severity].timeoutMs).toISOString();
    return { ...post, ...draftText(incident, post, ctx.compose), status: 'draft', approval: { rule: 'an update for an outage herald never saw open', heldAt: ctx.at, deadline, onTimeout: 'expire', question: UNSEEN_OPEN } };
  }
  const decision = decide(incident, ctx);
  if (!decision.hold && !question) return post;
  const { timeoutMs, onTimeout, rule } = decision.hold ? decision : { ...DEFAULT_TIMEOUTS[incident.severity], rule: 'resolved before it was announced' };
  const byHand = ctx.text !== undefined ? { text: ctx.text, textFixed: true } : {};
  const written = { ...post, ...byHand };
  if (isWindowEnd(post)) {
    return { ...written, ...draftText(incident, written, ctx.compose), status: 'draft', approval: { rule: `${rule}; said when the window ends, approved or not`, heldAt: ctx.at, deadline: post.dueAt, onTimeout: 'post' } };
  }
  const deadline = new Date(Math.max(ms(post.dueAt), ms(ctx.at)) + timeoutMs).toISOString();
  return { ...written, ...draftText(incident, written, ctx.compose), status: 'draft', approval: { rule, heldAt: ctx.at, deadline, onTimeout, question } };
}

/**
 * When severity rises, drafts that still wait follow the stricter rule: released at once if the
 * new severity posts without approval (unless a person wrote or asked for them), and never left
 * to expire when the new rule posts anyway.
 */
function followEscalation(previous: Incident | null, incident: Incident, fresh: Set<string>, ctx: HoldContext): Incident {
  if (!previous || previous.severity === incident.severity) return incident;
  let next = incident;
  for (const post of incident.posts) {
    if (post.status !== 'draft' || fresh.has(post.id) || !post.approval) continue;
    const decision = decide(incident, ctx);
    const reason = `severity rose to ${incident.severity}: ${decision.rule}`;
    if (!decision.hold) {
      // Nor a draft saying a note nobody approved: the note is what the person must see first.
      if (post.textFixed || post.approval.question || post.approval.rule === 'made by hand' || post.carriesNote) continue;
      next = audited(replacePost(next, { ...post, status: 'scheduled' }), { at: ctx.at, actor: 'herald', action: 'released', postId: post.id, after: post.text, reason });
      continue;
    }
    const deadline = new Date(Math.min(ms(post.approval.deadline), ms(post.approval.heldAt) + decision.timeoutMs)).toISOString();
    const onTimeout = post.approval.onTimeout === 'post' || decision.onTimeout === 'post' ? 'post' : 'expire';
    if (deadline === post.approval.deadline && onTimeout === post.approval.onTimeout) continue;
    const stricter: Post = { ...post, approval: { ...post.approval, deadline, onTimeout } };
    next = audited(replacePost(next, stricter), { at: ctx.at, actor: 'herald', action: 'rule changed', postId: post.id, reason: `${reason}; deadline ${deadline}, then ${onTimeout}` });
  }
  return next;
}

const noteTexts = (incident: Incident | null): string => JSON.stringify(incident?.publicNote?.texts ?? {});

/** Why a draft a person wrote keeps its words when the note changes, for the journal and the draft view. */
export const NOTE_NOT_APPLIED =
  'the public note changed after a person wrote this text, so it still says what they wrote: edit it to match the current note, or reject it';

/**
 * When staff change or remove the public note, the follow-ups and resolution still waiting for
 * approval say it the new way: one draft, always in the current words, never an approved tweet
 * with a cause staff have since corrected. Its approval starts again, since the approver has not
 * yet seen this text. A draft whose text a person wrote keeps it, flagged for them to look at.
 */
function followNote(previous: Incident | null, incident: Incident, fresh: Set<string>, ctx: HoldContext): Incident {
  if (!previous || noteTexts(previous) === noteTexts(incident)) return incident;
  let next = incident;
  for (const post of incident.posts) {
    if (post.status !== 'draft' || fresh.has(post.id) || !post.approval || (post.kind !== 'update' && post.kind !== 'resolved')) continue;
    if (post.textFixed) {
      next = audited(replacePost(next, { ...post, note: NOTE_NOT_APPLIED }), { at: ctx.at, actor: ctx.actor ?? 'herald', action: 'note not applied', postId: post.id, after: post.text, reason: NOTE_NOT_APPLIED });
      continue;
    }
    const written = draftText(next, { ...post, text: undefined, variant: undefined, note: undefined, carriesNote: undefined }, ctx.compose);
    if (written.text === post.text) continue;
    const decision = decide(next, ctx);
    const approval = decision.hold
      ? { ...post.approval, rule: decision.rule, heldAt: ctx.at, deadline: new Date(Math.max(ms(post.approval.deadline), ms(ctx.at) + decision.timeoutMs)).toISOString(), onTimeout: post.approval.onTimeout === 'expire' ? post.approval.onTimeout : decision.onTimeout }
      : post.approval;
    const recomposed: Post = { ...post, text: undefined, variant: undefined, note: undefined, carriesNote: undefined, ...written, approval };
    next = audited(replacePost(next, recomposed), { at: ctx.at, actor: ctx.actor ?? 'herald', action: 'recomposed', postId: post.id, before: post.text, after: recomposed.text, reason: `the public note changed; approval starts again (${approval.rule})` });
  }
  return next;
}

/** Turns the posts `applied` scheduled into drafts where the policy says so, and records it all. */
export function holdForApproval(previous: Incident | null, applied: Applied, ctx: HoldContext): Applied {
  let incident = withSource(applied.incident, ctx.source);
  for (const post of applied.cancelled.filter((p) => p.approval)) {
    incident = audited(incident, { at: ctx.at, actor: 'herald', action: 'withdrawn', postId: post.id, before: post.text, reason: post.note });
  }
  const withdrawn = withdrawUnapproved(incident, applied, ctx.at);
  const unsaid = withdrawUnsentResolution(withdrawn.incident, applied, ctx.at);
  incident = unsaid.incident;
  const dropped = new Set(unsaid.cancelled.map((p) => p.id));
  const scheduled = applied.scheduled.filter((p) => !dropped.has(p.id)).map((planned) => {
    const post = hold(incident, incident.posts.find((p) => p.id === planned.id) ?? planned, ctx, planned.kind === 'resolved' ? withdrawn.question : undefined);
    incident = replacePost(incident, post);
    if (post.status === 'draft') {
      incident = audited(incident, { at: ctx.at, actor: ctx.actor ?? 'herald', action: 'drafted', postId: post.id, after: post.text, reason: post.approval!.rule });
    }
    return post;
  });
  const fresh = new Set(scheduled.map((p) => p.id));
  incident = followEscalation(previous, incident, fresh, ctx);
  incident = followNote(previous, incident, fresh, ctx);
  return { ...applied, incident, scheduled, cancelled: [...applied.cancelled, ...withdrawn.cancelled, ...unsaid.cancelled] };
}
