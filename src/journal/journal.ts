/**
 * An incident's journal: what happened when (derived from the incident record), the thread as
 * followers saw it, and what staff wrote afterwards. Pure functions over plain data; the store
 * keeps only the staff's notes and their edit log.
 */
import { accountOf, DEFAULT_ACCOUNT, type AccountId } from '../incidents/accounts.ts';
import type { Incident, Post } from '../incidents/model.ts';
import { summarize, type IncidentSummary } from './figures.ts';

export const NOTE_FIELDS = ['cause', 'actionsTaken', 'retrospective', 'prevention'] as const;
export type NoteField = (typeof NOTE_FIELDS)[number];

/** What staff write after an outage; empty until someone does. */
export type JournalNotes = Partial<Record<NoteField, string>>;

export interface JournalEdit {
  at: string;
  /** Who edited, as they said (no sign-in yet); absent when they did not say. */
  by?: string;
  fields: NoteField[];
}

export interface StoredJournal {
  notes: JournalNotes;
  edits: JournalEdit[];
}

export type TimelineKind =
  | 'outage-started'
  | 'first-alert'
  | 'announced'
  | 'update-posted'
  | 'reopened-posted'
  | 'announcement-posted'
  | 'resolution-posted'
  | 'post-cancelled'
  | 'post-failed'
  | 'resolved'
  | 'journal-edited'
  | 'approval';

export interface TimelineEntry {
  at: string;
  kind: TimelineKind;
  /** The tweet's text, for posts; the reason, for cancelled or failed ones; the fields, for edits. */
  detail?: string;
  tweetId?: string;
  url?: string;
  by?: string;
  /** The account a post belongs to, when it is not the default one. */
  account?: string;
}

export interface ThreadTweet {
  id: string;
  kind: Post['kind'];
  text: string;
  postedAt: string;
  inReplyTo: string | null;
  url: string | null;
  /** The account it is on; `x` is the default account (JSON of earlier versions said null). */
  account: AccountId;
}

export interface Journal extends IncidentSummary {
  firstSeenAt: string;
  threadUrl: string | null;
  thread: ThreadTweet[];
  timeline: TimelineEntry[];
  notes: Required<JournalNotes>;
  edits: JournalEdit[];
}

/** Builds the link to a tweet of an account; undefined for posts that never reached X (dry-run). */
export type TweetLink = (tweetId: string, account: AccountId) => string | undefined;

/**
 * `https://x.com/<username>/status/<id>`, or X's username-free form when the username is not
 * configured. Dry-run outbox ids (`dry-...`) have no page on X.
 */
export function xTweetLink(username: string | undefined): (tweetId: string) => string | undefined {
  return (id) => {
    if (id.startsWith('dry-')) return undefined;
    return username ? `https://x.com/${encodeURIComponent(username)}/status/${id}` : `https://x.com/i/web/status/${id}`;
  };
}

const POSTED_KIND: Record<Post['kind'], TimelineKind> = {
  open: 'announced',
  update: 'update-posted',
  reopened: 'reopened-posted',
  resolved: 'resolution-posted',
  announcement: 'announcement-posted',
};

/** Posts that are live, in thread order; all accounts', or only `account`'s when given. */
export function postedTweets(incident: Incident, link: TweetLink, only?: { account: AccountId }): ThreadTweet[] {
  return incident.posts
    .filter((p): p is Post & { tweetId: string; postedAt: string } => p.status === 'posted' && !!p.tweetId && !!p.postedAt)
    .filter((p) => !only || accountOf(p) === only.account)
    .map((p) => ({
      id: p.tweetId,
      kind: p.kind,
      text: p.text ?? '',
      postedAt: p.postedAt,
      inReplyTo: p.inReplyTo ?? null,
      url: p.tweetUrl ?? link(p.tweetId, accountOf(p)) ?? null,
      account: accountOf(p),
    }));
}

/** A timeline entry names the account of a post only when it is not the default one. */
const otherAccount = (post: Post): { account?: AccountId } => (accountOf(post) === DEFAULT_ACCOUNT ? {} : { account: accountOf(post) });

/** Every moment of the incident, oldest first. Posts not sent are shown at the time they were due. */
export function timeline(incident: Incident, stored: StoredJournal, link: TweetLink): TimelineEntry[] {
  const entries: TimelineEntry[] = [
    { at: incident.openedAt, kind: 'outage-started' },
    { at: incident.firstSeenAt, kind: 'first-alert' },
  ];
  for (const post of incident.posts) {
    if (post.status === 'posted' && post.tweetId && post.postedAt) {
      const url = post.tweetUrl ?? link(post.tweetId, accountOf(post));
      entries.push({ at: post.postedAt, kind: POSTED_KIND[post.kind], detail: post.text, tweetId: post.tweetId, ...(url && { url }), ...otherAccount(post) });
    } else if (post.status === 'cancelled' || post.status === 'failed') {
      const kind = post.status === 'cancelled' ? 'post-cancelled' : 'post-failed';
      entries.push({ at: post.dueAt, kind, detail: `${post.id}: ${post.note ?? 'no reason recorded'}`, ...otherAccount(post) });
    }
  }
  if (incident.state === 'resolved' && incident.resolvedAt) entries.push({ at: incident.resolvedAt, kind: 'resolved' });
  // Who drafted, edited, approved or rejected what (the console's audit log).
  for (const a of incident.audit ?? []) {
    const words = [a.postId, a.reason, a.after !== undefined && a.before !== undefined && a.after !== a.before ? `"${a.before}" → "${a.after}"` : undefined].filter(Boolean).join(': ');
    entries.push({ at: a.at, kind: 'approval', detail: words ? `${a.action} (${words})` : a.action, by: a.actor });
  }
  for (const edit of stored.edits) entries.push({ at: edit.at, kind: 'journal-edited', detail: edit.fields.join(', '), ...(edit.by && { by: edit.by }) });
  // Stable sort: entries at the same moment keep the order above (started before first alert).
  return entries.map((e, i) => ({ e, i })).sort((a, b) => Date.parse(a.e.at) - Date.parse(b.e.at) || a.i - b.i).map(({ e }) => e);
}

export function journalOf(incident: Incident, stored: StoredJournal, link: TweetLink): Journal {
  const thread = postedTweets(incident, link);
  const root = thread.find((t) => t.inReplyTo === null && t.account === DEFAULT_ACCOUNT) ?? thread.find((t) => t.inReplyTo === null);
  return {
    ...summarize(incident),
    firstSeenAt: incident.firstSeenAt,
    threadUrl: root?.url ?? null,
    thread,
    timeline: timeline(incident, stored, link),
    notes: Object.fromEntries(NOTE_FIELDS.map((f) => [f, stored.notes[f] ?? ''])) as Required<JournalNotes>,
    edits: stored.edits,
  };
}

/** The stored journal with `patch` applied and the edit logged; unchanged fields are not logged. */
export function editJournal(stored: StoredJournal, patch: JournalNotes, at: string, by?: string): StoredJournal {
  const fields = NOTE_FIELDS.filter((f) => patch[f] !== undefined && patch[f] !== (stored.notes[f] ?? ''));
  if (fields.length === 0) return stored;
  const notes = { ...stored.notes };
  for (const f of fields) notes[f] = patch[f];
  return { notes, edits: [...stored.edits, { at, fields, ...(by && { by }) }] };
}

export const emptyJournal = (): StoredJournal => ({ notes: {}, edits: [] });
