import { draftId } from '../approval/drafts.ts';
import { publicKind } from '../approval/views.ts';
import type { Feature, Incident, Post, Severity } from '../incidents/model.ts';

/**
 * What staff are told about a draft, as plain data: every channel (Slack, email, the JSON webhook)
 * renders this one value, so they all say the same thing. Pure; the words are the renderers'.
 */

/** `waiting`: a post became a draft. `reminder`: half its time has passed, nobody acted. `decided`: a person acted. */
export type NoticeKind = 'waiting' | 'reminder' | 'decided';

export type DecisionAction = 'approved' | 'edited' | 'rejected';

export interface Decision {
  action: DecisionAction;
  actor: string;
  at: string;
  /** The text that goes out (approved) or now waits (edited). */
  text?: string;
  reason?: string;
}

export interface StaffNotice {
  kind: NoticeKind;
  draft: string;
  /** The draft in the console, when HERALD_CONSOLE_URL is set. */
  link?: string;
  incident: { key: string; service: string; feature: Feature; severity: Severity; announcement: boolean };
  post: { kind: string; text: string };
  deadline: string | null;
  onTimeout: 'post' | 'expire' | null;
  question: string | null;
  decision?: Decision;
}

/**
 * Many drafts at once (a flood, a big outage) are told in one notice a window rather than one
 * each: the drafts beyond HERALD_STAFF_DIGEST_AFTER in that window (HERALD_STAFF_DIGEST_SECONDS),
 * and the new incidents the flood cap kept from the public (incidents/flood-rules.ts), by source.
 */
export interface DigestNotice {
  kind: 'digest';
  /** The start of the window it covers (ISO). */
  since: string;
  /** Drafts of that window that got no notice of their own. */
  drafts: number;
  /** New public incidents kept from the public by the flood cap, by source. */
  held: Record<string, number>;
  /** Alerts kept from the public because HERALD_SERVICES and the catalog do not list their service, by source. */
  unlisted?: Record<string, number>;
  /** The console's list of drafts, when HERALD_CONSOLE_URL is set. */
  link?: string;
}

/** What a channel sends: one draft's notice, or a window's digest. */
export type AnyStaffNotice = StaffNotice | DigestNotice;

/** A job of the notices queue: a draft's notice, or the digest of a window. */
export type NoticeJobKind = NoticeKind | 'digest';

/** Whether the `nth` draft of a window goes into the window's digest rather than a notice of its own. Pure. */
export const intoDigest = (nth: number, after: number): boolean => nth > after;

/** The digest of the window starting at `sinceMs`, or undefined when it has nothing to say. */
export function digestNotice(sinceMs: number, drafts: number, held: Record<string, number>, consoleUrl: string | undefined, unlisted: Record<string, number> = {}): DigestNotice | undefined {
  if (drafts <= 0 && [...Object.values(held), ...Object.values(unlisted)].every((n) => n <= 0)) return undefined;
  return { kind: 'digest', since: new Date(sinceMs).toISOString(), drafts, held, unlisted, link: consoleUrl ? `${consoleUrl.replace(/\/+$/, '')}/console` : undefined };
}

/** The console page of one draft. Pinned: staff notices link to it. */
export const draftPath = (id: string): string => `/console/drafts/${encodeURIComponent(id)}`;

export function staffNotice(incident: Incident, post: Post, kind: NoticeKind, consoleUrl: string | undefined, decision?: Decision): StaffNotice {
  const id = draftId(incident.key, post.id);
  return {
    kind,
    draft: id,
    link: consoleUrl ? `${consoleUrl.replace(/\/+$/, '')}${draftPath(id)}` : undefined,
    incident: { key: incident.key, service: incident.service, feature: incident.feature, severity: incident.severity, announcement: incident.topic === 'announcement' },
    post: { kind: publicKind(post), text: decision?.text ?? post.text ?? '' },
    deadline: post.approval?.deadline ?? null,
    onTimeout: post.approval?.onTimeout ?? null,
    question: post.approval?.question ?? null,
    decision,
  };
}

/**
 * Whether a reminder is still worth sending: the draft waits, its deadline is ahead, and no
 * person has touched it since it was drafted (an edit counts: someone is on it).
 */
export function reminderDue(incident: Incident | null, postId: string, nowMs: number): Post | undefined {
  const post = incident?.posts.find((p) => p.id === postId);
  if (!post || post.status !== 'draft' || !post.approval) return undefined;
  if (nowMs >= Date.parse(post.approval.deadline)) return undefined;
  const heldAt = Date.parse(post.approval.heldAt);
  const touched = (incident!.audit ?? []).some((e) => e.postId === postId && e.actor !== 'herald' && e.action !== 'drafted' && Date.parse(e.at) >= heldAt);
  return touched ? undefined : post;
}

/** When the reminder is due: half the time from drafting to the deadline. */
export function reminderAt(post: Post): number | undefined {
  if (!post.approval) return undefined;
  const heldAt = Date.parse(post.approval.heldAt);
  return heldAt + (Date.parse(post.approval.deadline) - heldAt) / 2;
}
