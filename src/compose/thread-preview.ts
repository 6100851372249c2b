/**
 * A whole incident rendered before it happens: the scenario's events go through herald's own
 * incident rules and follow-up rules on the scenario's clock, and every post is composed at the
 * moment herald would send it. Pure: no Redis, no X, no clock; the same scenario prints the same
 * thread on any machine and any day.
 */
import { followUpDue, planFollowUp } from '../incidents/follow-up-rules.ts';
import type { FollowUpSchedule } from '../incidents/follow-up-schedule.ts';
import type { AlertEvent, Incident, IncomingEvent, Phase, Post, PostKind } from '../incidents/model.ts';
import { applyEvent, completeEvent, threadRoot, type IncidentRules } from '../incidents/rules.ts';
import { changeFacts } from '../incidents/facts-change.ts';
import type { PersonFacts } from '../incidents/public-note.ts';
import { languageOf } from './locale-format.ts';
import type { Catalog } from './catalog.ts';
import type { ComposeOptions } from './compose.ts';
import { composeIncidentPost } from './for-incident.ts';

export interface ThreadTweet {
  kind: PostKind;
  /** The phase the tweet speaks of; `resolved` for the resolution. */
  phase: Phase | 'resolved';
  text: string;
  weightedLength: number;
  /** Index of the tweet it answers in this array; null for a tweet that starts a thread. */
  replyTo: number | null;
  /** When herald would post it (ISO), and the variant used (0-based): for people, not for `--json`. */
  at: string;
  variant: number;
  /** The next update time the tweet promises (ISO), when it promises one. */
  nextUpdateAt?: string;
}

/** A person's change in a scenario (a public note, a phase...), as PATCH /api/incidents/:key makes it. */
export interface ScenarioChange {
  key: string;
  at: string;
  by: string;
  change: PersonFacts;
}

/** What happens in a scenario: an event from monitoring, or a person's change. */
export type ScenarioStep = IncomingEvent | ScenarioChange;

export interface ThreadSettings {
  rules: IncidentRules;
  /** When follow-ups go out (follow-up-schedule.ts); its zone is the audience's. */
  followUps: FollowUpSchedule;
}

/** Sends every post of `incident` due by `untilMs` (follow-ups included) and records it as posted. */
function deliverDue(incident: Incident, untilMs: number, catalog: Catalog, options: ComposeOptions, settings: ThreadSettings, out: ThreadTweet[], ids: Map<string, number>, followUps = true): Incident {
  let current = incident;
  for (;;) {
    const next = current.posts.find((p) => p.status === 'scheduled' && Date.parse(p.dueAt) <= untilMs);
    if (next) {
      current = send(current, next, catalog, options, settings, out, ids);
      continue;
    }
    const timer = !followUps || current.posts.some((p) => p.status === 'scheduled') ? undefined : followUpDue(current, { ...settings.followUps, zone: options.timezone });
    if (!timer || Date.parse(timer.dueAt) > untilMs) return current;
    const planned = planFollowUp(current, { afterPostId: timer.afterPostId, nowMs: Date.parse(timer.dueAt), schedule: { ...settings.followUps, zone: options.timezone } });
    if (planned.decision.action !== 'schedule' || !planned.incident) return current;
    current = planned.incident;
  }
}

function send(incident: Incident, post: Post, catalog: Catalog, options: ComposeOptions, settings: ThreadSettings, out: ThreadTweet[], ids: Map<string, number>): Incident {
  const atMs = Date.parse(post.dueAt);
  const root = threadRoot(incident);
  const tweet = composeIncidentPost(catalog, options, incident, post, atMs, settings.followUps);
  const index = out.length;
  const startsThread = post.kind === 'open' || !root;
  out.push({
    kind: post.kind,
    phase: post.kind === 'resolved' ? 'resolved' : (incident.phase ?? 'investigating'),
    text: tweet.text,
    weightedLength: tweet.weightedLength,
    replyTo: startsThread ? null : ids.get(root.id)!,
    at: post.dueAt,
    variant: tweet.variant,
    ...(tweet.nextUpdateAt !== undefined && { nextUpdateAt: tweet.nextUpdateAt }),
  });
  ids.set(post.id, index);
  const posted: Post = {
    ...post,
    status: 'posted',
    text: tweet.text,
    variant: tweet.variant,
    tweetId: String(index + 1),
    postedAt: post.dueAt,
    phase: incident.phase ?? 'investigating',
    ...(startsThread && post.kind !== 'open' && { root: true }),
    ...(tweet.nextUpdateAt !== undefined && { nextUpdateAt: tweet.nextUpdateAt }),
  };
  return { ...incident, posts: incident.posts.map((p) => (p.id === post.id ? posted : p)) };
}

/**
 * The tweets herald would post for `events` (monitoring's events and people's changes, in time
 * order, each with its `at`), with the
 * follow-ups it would add between them on the schedule. Follow-ups stop at the last event: what
 * comes after it is not in the scenario.
 */
export function renderThread(catalog: Catalog, events: readonly ScenarioStep[], options: ComposeOptions, settings: ThreadSettings): ThreadTweet[] {
  const out: ThreadTweet[] = [];
  const ids = new Map<string, number>();
  let incident: Incident | null = null;
  for (const step of events) {
    // A key-only resolve or update reads its names from the incident, as the worker does; before any open it says nothing.
    const event: ScenarioChange | AlertEvent | undefined = 'change' in step ? step : completeEvent(incident, step);
    if (!event) continue;
    const atMs = Date.parse(event.at);
    // What was due before the event goes out first; at the same minute the event wins (its news is newer).
    if (incident) incident = deliverDue(incident, atMs - 1, catalog, options, settings, out, ids);
    const at = new Date(atMs).toISOString();
    if ('change' in event) {
      // A person's change applies to the incident running; a plain note is in the previewed language.
      if (incident) incident = changeFacts(incident, event.change, event.by, at, languageOf(options.locale)).incident;
    } else {
      // The scenario's clock is herald's clock: the event arrives when it says it happened.
      incident = applyEvent(incident, { ...event, receivedAt: at }, settings.rules).incident;
    }
    if (!incident) continue;
    // Posts due at once (a resolution, a follow-up after a phase change) go out before the next event.
    incident = deliverDue(incident, atMs, catalog, options, settings, out, ids, false);
  }
  if (incident) {
    const pending = incident.posts.filter((p) => p.status === 'scheduled').map((p) => Date.parse(p.dueAt));
    if (pending.length > 0) incident = deliverDue(incident, Math.max(...pending), catalog, options, settings, out, ids, false);
  }
  return out;
}
