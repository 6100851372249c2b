import { applyFacts } from './impacts.ts';
import { BY_HAND_SOURCE, type AlertEvent, type IncomingEvent, type Incident, type Post, type PostKind, type Severity } from './model.ts';

/**
 * How an incident reacts to events: pure functions over plain data. Time comes in through the
 * events (`receivedAt`) and arguments, never from a clock, so tests state it.
 */
export interface IncidentRules {
  /** An open waits this long before it is announced; a resolve within it cancels the announcement. */
  graceMs: number;
  /** A resolved incident that opens again within this window continues its old thread. */
  reopenWindowMs: number;
  /** The routes file's `sources.<source>.mayChangeFactsOf`: whose facts each source may change (fact-owners.ts). */
  mayChangeFactsOf?: Readonly<Record<string, readonly string[]>>;
}

export interface Applied {
  incident: Incident;
  /** False when the event changed nothing that matters (a repeat, an open for an open incident). */
  changed: boolean;
  /** Posts this event scheduled: each needs a delivery job. */
  scheduled: Post[];
  /** Posts this event cancelled: their delivery jobs may be dropped. */
  cancelled: Post[];
}

export const SEVERITY_RANK: Record<Severity, number> = { minor: 0, major: 1, critical: 2 };

const ms = (iso: string): number => Date.parse(iso);
const addMs = (iso: string, delta: number): string => new Date(ms(iso) + delta).toISOString();

/** Posts that are, or may already be, visible on the account. */
export const isLive = (post: Post): boolean => post.status === 'posted' || post.status === 'sending';

/** Not out yet: due later, or waiting for a person to approve it. */
const waiting = (post: Post): boolean => post.status === 'scheduled' || post.status === 'draft';

/** A waiting post whose grace period has not run out at `at` can still be taken back silently. */
const withinGrace = (post: Post, at: string): boolean => waiting(post) && ms(at) < ms(post.dueAt);

/**
 * The tweet every later post of the incident replies to: the latest root posted, so a thread
 * restarted (a reopening after the window, a reply X refused) continues from its newest start.
 */
export function threadRoot(incident: Incident): Post | undefined {
  return [...incident.posts].reverse().find((p) => (p.kind === 'open' || p.root === true) && p.status === 'posted' && p.tweetId);
}

/** The next post of `kind`, numbered after those the incident already has (`update-2`). */
export function newPost(incident: Incident, kind: PostKind, dueAt: string): Post {
  const n = incident.posts.filter((p) => p.kind === kind).length + 1;
  return { id: `${kind}-${n}`, kind, status: 'scheduled', dueAt, attempts: 0 };
}

function fresh(event: AlertEvent): Incident {
  const bare: Incident = {
    key: event.key,
    service: event.service,
    feature: event.feature,
    severity: event.severity,
    state: 'open',
    openedAt: event.at,
    firstSeenAt: event.receivedAt,
    events: 0,
    posts: [],
  };
  return applyFacts(bare, event).incident;
}

function schedule(incident: Incident, kind: PostKind, dueAt: string): Applied {
  const post = newPost(incident, kind, dueAt);
  return { incident: { ...incident, posts: [...incident.posts, post] }, changed: true, scheduled: [post], cancelled: [] };
}

const unchanged = (incident: Incident): Applied => ({ incident, changed: false, scheduled: [], cancelled: [] });

function open(current: Incident | null, event: AlertEvent, rules: IncidentRules): Applied {
  const graceEnds = addMs(event.receivedAt, rules.graceMs);
  if (!current) return schedule(fresh(event), 'open', graceEnds);
  if (current.state === 'open') return update(current, event, rules);
  // Herald received this open before the resolve it follows (a sender's retry, a job run again
  // after a failover): it is news from before the resolution, not a reopening.
  if (current.resolvedSeenAt && ms(event.receivedAt) < ms(current.resolvedSeenAt)) return unchanged(current);

  const hasThread = threadRoot(current) !== undefined || current.posts.some(isLive);
  // Herald's clock on both sides: monitoring's own times may be late or skewed.
  const sinceResolved = ms(event.receivedAt) - ms(current.resolvedSeenAt ?? current.resolvedAt ?? current.firstSeenAt);
  // A reopening starts the work again: the phase goes back to investigating unless the event says otherwise.
  const facts = applyFacts({ ...current, phase: undefined }, event).incident;
  const reopened: Incident = { ...facts, state: 'open', resolvedAt: undefined, resolvedSeenAt: undefined, severity: event.severity };
  if (hasThread && sinceResolved <= rules.reopenWindowMs) {
    // The thread goes on: the reopening says when it came back, the resolution names both spans.
    const span = { from: current.reopenedAt ?? current.openedAt, to: current.resolvedAt ?? event.at };
    return schedule({ ...reopened, reopenedAt: event.at, earlierSpans: [...(current.earlierSpans ?? []), span] }, 'reopened', graceEnds);
  }
  // Nothing was ever said, or it was long ago: this is a new outage with its own root tweet.
  return schedule({ ...reopened, openedAt: event.at, reopenedAt: undefined, earlierSpans: undefined }, 'open', graceEnds);
}

function escalate(current: Incident, event: AlertEvent): Applied {
  if (SEVERITY_RANK[event.severity] <= SEVERITY_RANK[current.severity]) return unchanged(current);
  return { ...unchanged({ ...current, severity: event.severity }), changed: true };
}

function update(current: Incident | null, event: AlertEvent, rules: IncidentRules): Applied {
  // An update for an outage herald does not know may follow an open herald lost (Redis forgot) whose
  // root is live: announcing it could be a second root, staying silent could hide an outage. Its
  // root is planned for a person to approve or attach to the live tweet (docs/faults.md).
  if (!current) {
    const planned = schedule(fresh(event), 'open', addMs(event.receivedAt, rules.graceMs));
    const post: Post = { ...planned.scheduled[0]!, unseenOpen: true };
    return { ...planned, incident: { ...planned.incident, posts: [post] }, scheduled: [post] };
  }
  if (current.state === 'resolved') return open(current, event, rules);
  const facts = applyFacts(current, event);
  const escalated = escalate(facts.incident, event);
  const incident = escalated.incident;
  const recorded: Applied = { ...escalated, changed: escalated.changed || facts.news || incident.dataSafety !== current.dataSafety };
  // An announcement still waiting for approval says the same as an update would.
  const announced = incident.posts.some(
    (p) => (p.kind === 'open' || p.kind === 'reopened') && !withinGrace(p, event.receivedAt) && p.status !== 'cancelled' && p.status !== 'draft',
  );
  const updatePending = incident.posts.some((p) => p.kind === 'update' && waiting(p));
  // Followers get one "still on it" at a time, and none before the announcement itself; an event
  // for an open incident says something only when it brings news followers can read (another
  // impact, a new phase, a change of scope): the follow-up schedule already tells them it is still
  // being worked on. A graver severity alone changes the tone of what comes next and who must
  // approve it, not what there is to say (many monitors of one outage disagree on severity).
  // A person's correction (changeFacts) comes as an update only when it is news, though its facts
  // were applied already; a person who writes an update by hand has something to say, news or not.
  const byPerson = (event.source === 'by-hand' && event.status === 'update') || event.source === BY_HAND_SOURCE;
  const news = facts.news || byPerson;
  if (!announced || updatePending || !news) return recorded;
  return schedule(incident, 'update', event.receivedAt);
}

function resolve(current: Incident | null, event: AlertEvent): Applied {
  if (!current) {
    const recorded: Incident = { ...fresh(event), state: 'resolved', resolvedAt: event.at, resolvedSeenAt: event.receivedAt };
    return { incident: recorded, changed: true, scheduled: [], cancelled: [] };
  }
  if (current.state === 'resolved') return unchanged(current);
  // The resolve may say whether anything was lost; an impact it names is part of what broke.
  current = applyFacts(current, { ...event, phase: undefined }, {}).incident;

  const cancelled: Post[] = [];
  const posts = current.posts.map((p) => {
    const drop = waiting(p) && (p.kind === 'update' || withinGrace(p, event.receivedAt));
    if (!drop) return p;
    const c: Post = { ...p, status: 'cancelled', note: p.kind === 'update' ? 'resolved before the update went out' : 'resolved within the grace period' };
    cancelled.push(c);
    return c;
  });
  const incident: Incident = { ...current, state: 'resolved', resolvedAt: event.at, resolvedSeenAt: event.receivedAt, posts };
  // Only what followers heard since the last "resolved" needs a new one: a reopening that flapped
  // back within its grace period must not make herald say "fixed" twice.
  const lastResolved = posts.map((p) => p.kind === 'resolved' && p.status !== 'cancelled' && p.status !== 'failed').lastIndexOf(true);
  const somethingSaid = posts.slice(lastResolved + 1).some((p) => p.status !== 'cancelled' && p.status !== 'failed');
  if (!somethingSaid) return { incident, changed: true, scheduled: [], cancelled };
  const withReply = schedule(incident, 'resolved', event.receivedAt);
  return { ...withReply, cancelled };
}

/**
 * The event with the names it left out (a resolve or update that brought only its key and status)
 * read from its incident; undefined when herald knows no such incident, so there is nothing to
 * name it by: it is then recorded as not applied, and nothing is posted.
 */
export function completeEvent(current: Incident | null, event: IncomingEvent): AlertEvent | undefined {
  const { service, feature, severity } = event;
  if (service !== undefined && feature !== undefined && severity !== undefined) return { ...event, service, feature, severity };
  if (!current) return undefined;
  return { ...event, service: service ?? current.service, feature: feature ?? current.feature, severity: severity ?? current.severity };
}

/** Applies one monitoring event to the incident it belongs to (null when herald has not seen it). */
export function applyEvent(current: Incident | null, event: AlertEvent, rules: IncidentRules): Applied {
  const result =
    event.status === 'open' ? open(current, event, rules) : event.status === 'update' ? update(current, event, rules) : resolve(current, event);
  const counted: Incident = { ...result.incident, events: (current?.events ?? 0) + 1 };
  // Kept with the incident so the journal shows the time was not the sender's own.
  const audit = event.timeReplaced ? [...(counted.audit ?? []), { at: event.receivedAt, actor: 'herald', action: 'time replaced', reason: `${event.source}: ${event.timeReplaced}; the arrival time was used` }] : counted.audit;
  return { ...result, incident: { ...counted, ...(audit && { audit }) } };
}

/** True while some post of the incident still needs the delivery worker. */
export const hasPendingPosts = (incident: Incident): boolean => incident.posts.some((p) => waiting(p) || p.status === 'sending');
