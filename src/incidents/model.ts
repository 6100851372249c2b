/**
 * The vocabulary every stage of the pipeline shares. Plain data only: these objects are stored
 * in Redis as JSON, so they hold ISO strings rather than DateTime instances.
 */

/**
 * The features herald's own catalog gives words to. Features are data: the catalog
 * (`messages/<locale>.yaml`) defines which exist, and an operator adds one there without code;
 * this list is only what ships, for defaults and the console's choices.
 */
export const FEATURES = ['messaging', 'login', 'signup', 'notifications', 'pc', 'other'] as const;
/** A feature the catalog defines (checked where it comes in: webhooks, routes, the API). */
export type Feature = string;

/** How a feature may be named: it travels in webhooks, routes and Redis keys. */
export const FEATURE_NAME = /^[a-z][a-z0-9-]{0,39}$/;
export const FEATURE_NAME_RULE = 'lowercase letters, digits and -, starting with a letter, at most 40';

export const SEVERITIES = ['critical', 'major', 'minor'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const EVENT_STATUSES = ['open', 'update', 'resolved'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

/** Where a problem shows; none named means everywhere (see impacts.ts). */
export const PLATFORMS = ['ios', 'android', 'pc', 'mac', 'web'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** Who is affected: some people or everyone. Unknown is left out, and then nothing is said about it. */
export const SCOPES = ['partial', 'total'] as const;
export type Scope = (typeof SCOPES)[number];

/** How far the work is; `resolved` is the incident's state, not a phase. */
export const PHASES = ['investigating', 'identified', 'monitoring'] as const;
export type Phase = (typeof PHASES)[number];

/** Whether anything was lost: only `none-lost` lets a resolution say delayed messages arrived. */
export const DATA_SAFETY = ['none-lost', 'unknown', 'possible'] as const;
export type DataSafety = (typeof DATA_SAFETY)[number];

/** One thing people cannot do, and where: "login on the PC version". */
export interface Impact {
  feature: Feature;
  /** Absent or empty: every platform. */
  platforms?: Platform[];
}

/** What followers need to hear about an outage beyond its feature; every field may be set by events, the API or the console. */
export interface IncidentFacts {
  /** One or more; the first is the main one. Absent on records older than impacts: `[{ feature }]`. */
  impacts?: Impact[];
  scope?: Scope;
  phase?: Phase;
  dataSafety?: DataSafety;
}

/** The `source` of what a person did in the console or through the API (an incident, an update, a resolution by hand). */
export const BY_HAND_SOURCE = 'console';

/** One signal from monitoring, already verified and normalized by a source in `ingest/`. */
export interface AlertEvent {
  /** Incident key: every event with the same key belongs to the same incident. */
  key: string;
  status: EventStatus;
  service: string;
  feature: Feature;
  severity: Severity;
  /** When monitoring says it happened (ISO-8601 with offset). */
  at: string;
  /** Which ingest route it came through (`generic`, `alertmanager`, ...). */
  source: string;
  /** When herald accepted it (ISO-8601, UTC). Grace periods count from here, not from `at`. */
  receivedAt: string;
  /**
   * The one monitoring alert this event is about (`alertmanager:<fingerprint>`), when it came from a
   * monitoring tool: the incident stays open while any of its alerts fires (see alert-rules.ts).
   */
  alertId?: string;
  /** What people cannot do; when absent, `feature` alone is the one impact. */
  impacts?: Impact[];
  scope?: Scope;
  phase?: Phase;
  dataSafety?: DataSafety;
  /** Why `at` was replaced by the arrival time (it lay implausibly far off); shown in the journal. */
  timeReplaced?: string;
  /** Its source was over the flood cap when this event opened the incident (flood-rules.ts). */
  flood?: true;
}

/**
 * An event as a webhook or the queue carries it: an `open` names everything, a `resolved` or
 * `update` of an incident herald knows may leave out its names, which the incident worker reads
 * from the incident (`completeEvent` in rules.ts) before any rule sees the event.
 */
export type IncomingEvent = Omit<AlertEvent, 'service' | 'feature' | 'severity'> & Partial<Pick<AlertEvent, 'service' | 'feature' | 'severity'>>;

/** What a tweet is for; decides the template and where it sits in the thread. */
export type PostKind = 'open' | 'update' | 'reopened' | 'resolved' | 'announcement';

/**
 * Life of one planned tweet. `scheduled` waits for its due time (and for earlier posts);
 * `sending` means a worker claimed it and may have called X: if it is found in this state again,
 * the outcome is unknown and must be reconciled by reading, never by posting blindly. `draft`
 * waits for a person to approve it (see `approval/`), until `approval.deadline` at the latest.
 */
export type PostStatus = 'draft' | 'scheduled' | 'sending' | 'posted' | 'cancelled' | 'failed';

/** Why a post waits for a person, and what happens when nobody answers in time. */
export interface PostApproval {
  /** The policy rule that held it, in words (`rule 2 (severity critical)`). */
  rule: string;
  heldAt: string;
  /** ISO. Past it, `onTimeout` decides: post the text anyway, or let the draft expire. */
  deadline: string;
  onTimeout: 'post' | 'expire';
  /** A question the draft puts to the approver, e.g. whether to post anything at all. */
  question?: string;
}

/** One thing a person (or herald, for timeouts) did to an incident's posts, kept with the incident. */
export interface AuditEntry {
  at: string;
  /** User name, `api-token`, or `herald` for what the policy and timeouts did. */
  actor: string;
  action: string;
  postId?: string;
  /**
   * The account whose post `before`/`after` are the text of (its language marks that text on the
   * console); absent on entries without a post's text and on entries written before it was recorded.
   */
  account?: string;
  before?: string;
  after?: string;
  reason?: string;
}

export interface Post {
  /** Stable within the incident: `open`, `update-1`, `resolved-1`, ... */
  id: string;
  /** The account it is posted on; absent for the default account (`x`): read it with `accountOf` (incidents/accounts.ts). */
  account?: string;
  kind: PostKind;
  status: PostStatus;
  /** Not before this time (ISO). The open post waits out the grace period. */
  dueAt: string;
  /** Composed when the post is claimed, kept so an unknown outcome can be matched on X. */
  text?: string;
  /** Message variant used for `text`. */
  variant?: number;
  /** Shifts the variant choice; raised after X refuses the text as a duplicate. */
  variantOffset?: number;
  tweetId?: string;
  /** The post's public address when the network gives one (Mastodon's status URL, Bluesky's app link). */
  tweetUrl?: string;
  /** Bluesky's content id of the post: a reply names its root and parent by uri and cid. */
  tweetCid?: string;
  inReplyTo?: string;
  /** The content id of `inReplyTo` (Bluesky). */
  inReplyToCid?: string;
  /** Posted as a new top-level tweet although it continues a thread (X refused the reply). */
  root?: boolean;
  postedAt?: string;
  /** When herald promised its next update in this post (a follow-up), for `{nextUpdate}` (ISO). */
  nextUpdateAt?: string;
  /** The incident's phase when the text was composed: the next follow-up says what changed since. */
  phase?: Phase;
  attempts: number;
  /** Why it was cancelled or failed, in words a person can act on. */
  note?: string;
  /** The public note texts a draft's composed text says, by language: approving it approves them (PublicNote.approved). */
  carriesNote?: Record<string, string>;
  /** Present while, and after, the post waited for approval. */
  approval?: PostApproval;
  /** `text` was written or approved by a person: post it as it is, never recompose it. */
  textFixed?: boolean;
  /** Token of the attempt holding the post `sending`; only that attempt may put it back or fail it. */
  claim?: string;
  /** While `sending`: no other worker takes the post over before this time (ISO), as the attempt may still be talking to X. */
  leaseUntil?: string;
  /** When the first attempt with the current `text` began (ISO): an older tweet on the account cannot be this post. */
  attemptedAt?: string;
  /** An attempt with the current text may have gone out (no answer, 5xx, crash): look on X before trusting a refusal. */
  uncertain?: boolean;
  /** A scheduled-maintenance notice (`maintenance/`): which one, and the window it speaks of. */
  notice?: Notice;
  /**
   * A tweet outside this incident that its first post replies under (an outage announced in the
   * maintenance thread of the same service); dropped when X refuses the reply.
   */
  replyTo?: string;
  /**
   * A root planned from an `update` for an outage herald never saw open (its open was lost, or
   * Redis forgot): it may be live already, so a person decides (docs/faults.md); never posted on a timeout.
   */
  unseenOpen?: boolean;
  /**
   * How often X refused this post over the account's credentials, access tier or credits (401, 403,
   * 402). The first blocks the account and the post waits; one after the account was let go again
   * means X refuses this very post, which then waits for a person (incidents/delivery-rules.ts `refusePost`).
   */
  accountRefusals?: number;
}

export type IncidentState = 'open' | 'resolved';

export interface Incident extends IncidentFacts {
  key: string;
  service: string;
  feature: Feature;
  severity: Severity;
  state: IncidentState;
  /** Start of the outage as monitoring reported it. */
  openedAt: string;
  resolvedAt?: string;
  /** When herald heard it resolved; the reopen window counts from here. */
  resolvedSeenAt?: string;
  /** When it came back after a resolution, if it did (within the reopen window): the current span's start. */
  reopenedAt?: string;
  /** The spans it was down before it came back, oldest first: the resolution names each. */
  earlierSpans?: Array<{ from: string; to: string }>;
  /** When herald first heard of it. */
  firstSeenAt: string;
  /** Number of events applied, for the API and the journal. */
  events: number;
  /** Monitoring alerts of this incident still firing; their ids live beside the incident in the store. */
  firingAlerts?: number;
  /** Ids of the latest events applied: BullMQ may run an event's job again after a crash. */
  appliedEvents?: string[];
  posts: Post[];
  /** `announcement`: a note staff wrote that is not an outage; absent means an outage. */
  topic?: 'announcement' | 'maintenance';
  /** The planned window, when `topic` is `maintenance` (see maintenance/). */
  maintenance?: MaintenanceWindow;
  /** Every approval, edit, rejection and timeout, oldest first (see `approval/`). */
  audit?: AuditEntry[];
  /** The monitoring sources (ingest routes) whose events planned posts here: each one's approval rule applies (approval/hold.ts). */
  sources?: string[];
  /** Which monitoring source set each fact; another source may not change it (fact-owners.ts). */
  factOwners?: Partial<Record<'severity' | 'impacts' | 'scope' | 'phase' | 'dataSafety', string>>;
  /** Opened while its source was over the flood cap (flood-rules.ts): its posts never use the posting budget's reserve. */
  flood?: true;
  /** What staff told followers about the cause, in their own words; later follow-ups and the resolution carry it. Never from monitoring. */
  publicNote?: PublicNote;
}

/**
 * A short public note staff set on an incident (the cause, in their words), per language: each
 * account's tweets carry the text in their own language, and none when staff wrote none in it.
 */
export interface PublicNote {
  /** By language (`ko`, `en`, `ja`): the text as checked (incidents/public-note.ts). */
  texts: Record<string, string>;
  /** Who set it, and when (ISO): the journal shows it too. */
  by: string;
  at: string;
  /**
   * The texts a person approved in a draft (or the policy posted on its timeout), by language:
   * only these reach posts nobody reviews (a paced follow-up, an auto-approved resolution). A
   * text changed since is not covered; removing the note removes its approval too.
   */
  approved?: { by: string; at: string; texts: Record<string, string> };
}

/** What a maintenance window takes out: a feature, on some platforms or (absent) all of them. */
export interface WindowImpact {
  feature: Feature;
  /** Kept as given, for when incidents know platforms (issue 9); alerts carry none today. */
  platforms?: string[];
}

/** A planned maintenance window, kept in its thread's record (`Incident.maintenance`); its rules are maintenance/'s. */
export interface MaintenanceWindow {
  service: string;
  impacts: WindowImpact[];
  /** The current plan (ISO, UTC); moving or extending changes these. */
  startsAt: string;
  endsAt: string;
  /** ISO-8601 durations before the start at which followers hear of it (`PT24H`). */
  announceAhead: string[];
  createdAt: string;
  /** A person said it is over (before its planned end). */
  finishedAt?: string;
  cancelledAt?: string;
}

/** Which notice a post of a maintenance thread is. */
export type NoticeKind = 'ahead' | 'starting' | 'done' | 'moved' | 'extended' | 'cancelled';
export const NOTICE_KINDS: readonly NoticeKind[] = ['ahead', 'starting', 'done', 'moved', 'extended', 'cancelled'];

/** A post's notice, with the window as it stood when the post was planned (what its text says). */
export interface Notice {
  kind: NoticeKind;
  startsAt: string;
  endsAt: string;
}
