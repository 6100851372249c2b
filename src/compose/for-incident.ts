import { accountOf } from '../incidents/accounts.ts';
import type { Composer, NoteUse } from '../incidents/delivery-rules.ts';
import { nextFollowUpMs, NO_FOLLOW_UPS, type FollowUpSchedule } from '../incidents/follow-up-schedule.ts';
import type { Incident, Post } from '../incidents/model.ts';
import { approvedNoteText, cleanNote } from '../incidents/public-note.ts';
import { threadRoot } from '../incidents/rules.ts';
import { loadCatalog, type Catalog } from './catalog.ts';
import { composeNotice, composeTweet, type AudienceSettings, type ComposeOptions, type ComposedTweet } from './compose.ts';
import { languageOf } from './locale-format.ts';
import type { TextLimit } from './network-length.ts';

/** The phase the thread's latest tweet before `post` was written in: a follow-up says what changed since. */
function previousPhase(incident: Incident, post: Post): Post['phase'] {
  const before = incident.posts.slice(0, incident.posts.indexOf(post)).filter((p) => p.status === 'posted' && accountOf(p) === accountOf(post));
  return before.at(-1)?.phase;
}

/** Open, reopened and follow-ups promise the next update when follow-ups run; a resolution does not. */
const promises = (post: Post): boolean => post.kind === 'open' || post.kind === 'reopened' || post.kind === 'update';

/**
 * One incident post's text, as of `nowMs`: the incident's impacts, scope, phase and data safety,
 * and the next update time (the post's own promise, or when the follow-up schedule says, read in
 * the audience's zone). Staff's note in the audience's language: the current one, or (`approved`)
 * only a text a person approved.
 */
export function composeIncidentPost(catalog: Catalog, options: ComposeOptions, incident: Incident, post: Post, nowMs: number, followUps: FollowUpSchedule = NO_FOLLOW_UPS, note: NoteUse = 'current'): ComposedTweet & { nextUpdateAt?: string; publicNote?: Record<string, string> } {
  // X would not thread it: say which tweet it follows up. With nothing said before (a resolution
  // nobody approved the announcement of), the plain wording stands on its own and names the problem.
  const firstPostAt = post.root === true && post.kind !== 'open' ? threadRoot(incident)?.postedAt : undefined;
  const nextMs = promises(post) && incident.state === 'open' ? nextFollowUpMs(followUps, Date.parse(incident.openedAt), nowMs, options.timezone) : undefined;
  const nextUpdateAt = post.nextUpdateAt ?? (nextMs === undefined ? undefined : new Date(nextMs).toISOString());
  const language = languageOf(options.locale);
  const publicNote = note === 'current' ? incident.publicNote?.texts[language] : approvedNoteText(incident.publicNote, language);
  const tweet = composeTweet(
    catalog,
    {
      kind: post.kind,
      incidentKey: incident.key,
      service: incident.service,
      feature: incident.feature,
      impacts: incident.impacts,
      scope: incident.scope,
      dataSafety: incident.dataSafety,
      phase: incident.phase,
      previousPhase: previousPhase(incident, post),
      severity: incident.severity,
      ...statedTimes(incident),
      ...(incident.reopenedAt !== undefined && { reopenedAt: incident.reopenedAt, earlierSpans: incident.earlierSpans }),
      at: new Date(nowMs).toISOString(),
      nextUpdateAt,
      variantOffset: post.variantOffset ?? 0,
      postId: post.id,
      earlierTexts: incident.posts.filter((p) => p.id !== post.id && p.text !== undefined && accountOf(p) === accountOf(post)).map((p) => p.text!),
      ...(firstPostAt !== undefined && { standalone: true, firstPostAt }),
      // Staff's note in this account's language; none when they wrote none in it.
      ...(publicNote !== undefined && { publicNote }),
    },
    options,
  );
  // The note the text says, if it says it: the fitting may have given the note up, and approving a
  // draft must approve only words the approver saw (PublicNote.approved).
  const said = publicNote !== undefined && tweet.text.includes(cleanNote(publicNote)) ? publicNote : undefined;
  return { ...tweet, ...(nextUpdateAt !== undefined && { nextUpdateAt }), ...(said !== undefined && { publicNote: { [language]: said } }) };
}

/**
 * Binds the message catalog, the audience's locale and zone, and the follow-up schedule to the
 * delivery worker's needs. `limit` is the account's network's (read at each post: a Mastodon
 * instance's limit is learnt after start); X's by default.
 */
export function incidentComposer(config: AudienceSettings & { followUps?: FollowUpSchedule }, limit?: () => TextLimit): Composer {
  const catalog = loadCatalog(config.messagesDir, config.locale);
  const base = { locale: config.locale, timezone: config.timezone, statusUrl: config.statusUrl };
  // Unless told the post is a draft a person will see, only an approved note goes in (NoteUse).
  return (incident, post, nowMs = Date.now(), note = 'approved') => {
    const options = limit ? { ...base, limit: limit() } : base;
    if (post.notice) {
      // Several notices of one kind (two reminders) start from different variants, so X never sees the same text twice.
      const nth = Number(/-(\d+)$/.exec(post.id)?.[1] ?? 1) - 1;
      const { kind, startsAt, endsAt } = post.notice;
      const tweet = composeNotice(catalog, { kind: `maintenance-${kind}`, key: incident.key, service: incident.service, startsAt, endsAt, variantOffset: (post.variantOffset ?? 0) + nth }, options);
      return { text: tweet.text, variant: tweet.variant };
    }
    const tweet = composeIncidentPost(catalog, options, incident, post, nowMs, config.followUps, note);
    return { text: tweet.text, variant: tweet.variant, phase: incident.phase ?? 'investigating', ...(tweet.nextUpdateAt !== undefined && { nextUpdateAt: tweet.nextUpdateAt }), ...(tweet.publicNote && { publicNote: tweet.publicNote }) };
  };
}

/** How far monitoring's times may run ahead of herald's own before the tweet uses herald's. */
const AHEAD_MS = 10 * 60_000;

/**
 * The times a tweet states. Monitoring's own, unless they lie after herald heard of them (a
 * clock ahead, an event stored before ingest bounded times): then herald's arrival times, so no
 * tweet says "since" a time to come or a duration the incident did not have.
 */
export function statedTimes(incident: Pick<Incident, 'openedAt' | 'resolvedAt' | 'firstSeenAt' | 'resolvedSeenAt'>): { openedAt: string; resolvedAt?: string } {
  const ahead = (at: string, seen: string | undefined) => seen !== undefined && Date.parse(at) > Date.parse(seen) + AHEAD_MS;
  const openedAt = ahead(incident.openedAt, incident.firstSeenAt) ? incident.firstSeenAt : incident.openedAt;
  if (incident.resolvedAt === undefined) return { openedAt };
  const resolvedAt = ahead(incident.resolvedAt, incident.resolvedSeenAt) ? incident.resolvedSeenAt! : incident.resolvedAt;
  // A resolution stamped before the open (two monitors' clocks) lasted as long as herald saw it.
  if (Date.parse(resolvedAt) < Date.parse(openedAt) && incident.resolvedSeenAt) return { openedAt: incident.firstSeenAt, resolvedAt: incident.resolvedSeenAt };
  return { openedAt, resolvedAt };
}

