/**
 * Turns an incident moment into the text followers read. Pure: no I/O and no clock, times come in
 * as ISO strings. The variant is chosen deterministically (the same incident always gets the same
 * wording, so a retry composes the same tweet), and the result always fits X's 280 weighted
 * characters or a ComposeError is thrown: an invalid tweet is never returned.
 */
import twitterText from 'twitter-text';
import { DateTime } from 'luxon';
import { impactsOf } from '../incidents/impacts.ts';
import { cleanNote } from '../incidents/public-note.ts';
import type { DataSafety, Feature, Impact, Phase, PostKind, Scope, Severity } from '../incidents/model.ts';
import { OPTIONAL_VARIABLES, type Catalog, type MessageVariant, type Situation } from './catalog.ts';
import { ComposeError } from './errors.ts';
import { SERVICE_CUTS, fittingSteps } from './fitting.ts';
import { deviceText, piece, safetyText, type Facts } from './incident-words.ts';
import { formatClock, formatClockNear, formatDay, formatDuration, formatElapsed, formatSpansUntil, languageOf, readsAsOneTime } from './locale-format.ts';
import { capWeight, findUnsafeEntities, sanitizeServiceName, sanitizeStaffText } from './sanitize.ts';
import { X_LIMIT, type TextLimit } from './network-length.ts';

export { ComposeError } from './errors.ts';

export interface ComposeInput {
  kind: PostKind;
  incidentKey: string;
  /** Untrusted: cleaned of mentions, hashtags, links and line breaks, and capped, before use. */
  service: string;
  /** The main feature; the one impact when `impacts` is absent. */
  feature: Feature;
  impacts?: Impact[];
  scope?: Scope;
  dataSafety?: DataSafety;
  severity: Severity;
  openedAt: string;
  /** When the tweet is written (ISO): how long it has lasted so far, and whether two hours have passed. */
  at?: string;
  resolvedAt?: string;
  /** When the outage came back after a resolution (ISO): the reopening says so. */
  reopenedAt?: string;
  /** The spans it was down before it came back (ISO), oldest first: the resolution names each. */
  earlierSpans?: ReadonlyArray<{ from: string; to: string }>;
  /** When herald will post next (ISO). Without it, variants that promise a time are skipped. */
  nextUpdateAt?: string;
  /** The incident's phase now: a follow-up says so when it differs from `previousPhase`. */
  phase?: Phase;
  /** The phase the thread's latest tweet was written in (investigating when absent). */
  previousPhase?: Phase;
  /** The post's id in the incident (`update-2`): mixed into the choice so successive updates differ. */
  postId?: string;
  /** Added to the deterministic variant choice, e.g. after a duplicate-content refusal. */
  variantOffset?: number;
  /**
   * What the thread already said: a fitting text that reads the same once times and numbers are
   * masked is passed over while another fits, so a long outage's follow-ups never repeat themselves.
   */
  earlierTexts?: readonly string[];
  /**
   * A follow-up posted as a tweet of its own because X would not thread it (the reply was refused or
   * the first tweet is gone): it then says which earlier tweet it follows up (`standalone.*`).
   */
  standalone?: boolean;
  /** When the tweet it follows up was posted (ISO); needed when `standalone`. */
  firstPostAt?: string;
  /**
   * Staff's public note in this catalog's language (incidents/public-note.ts, already checked):
   * follow-ups and the resolution carry it while it fits (fitting.ts), never the open.
   */
  publicNote?: string;
}

export interface ComposeOptions {
  /** `ko`, `en`, `ja`; must match the catalog's locale. */
  locale: string;
  /** IANA zone the audience reads times in, e.g. `Asia/Seoul`. */
  timezone: string;
  /** Status page link, appended on its own line when it fits; `{key}` becomes the incident key. */
  statusUrl?: string;
  /** How the account's network measures a post (network-length.ts); X's 280 weighted by default. */
  limit?: TextLimit;
}

/**
 * Where the catalog is and who reads the tweets: the part of herald's configuration composing
 * needs (config.ts fills it; the rules here never import the whole configuration).
 */
export interface AudienceSettings extends ComposeOptions {
  messagesDir: string;
}

export interface ComposedTweet {
  text: string;
  /** The length as the network measures it (X's weighted length on X). */
  weightedLength: number;
  /** 0-based index of the variant in its situation's list. */
  variant: number;
  situation: Situation;
}

/** Notices staff post themselves, outside the incident flow. */
export type NoticeKind =
  | 'maintenance-ahead'
  | 'maintenance-starting'
  | 'maintenance-done'
  | 'maintenance-moved'
  | 'maintenance-extended'
  | 'maintenance-cancelled'
  | 'announcement';

export interface NoticeInput {
  kind: NoticeKind;
  /** Stable id of the notice; seeds the variant choice and fills `{key}` in the status link. */
  key: string;
  service: string;
  /** Maintenance window (ISO); `ahead` needs both, `starting` needs `endsAt`. */
  startsAt?: string;
  endsAt?: string;
  /** Staff-written text for an announcement; line breaks and links are kept. */
  text?: string;
  variantOffset?: number;
}

const NOTICE_SITUATIONS: Record<NoticeKind, Situation> = {
  'maintenance-ahead': 'maintenance.ahead',
  'maintenance-starting': 'maintenance.starting',
  'maintenance-done': 'maintenance.done',
  'maintenance-moved': 'maintenance.moved',
  'maintenance-extended': 'maintenance.extended',
  'maintenance-cancelled': 'maintenance.cancelled',
  announcement: 'announcement',
};

// Which input field fills each variable, so a missing-variable error says what to pass.
const SOURCE_OF: Record<string, string> = {
  time: 'openedAt / startsAt',
  duration: 'resolvedAt / at',
  endTime: 'resolvedAt / endsAt',
  nextUpdate: 'nextUpdateAt',
  date: 'startsAt',
  text: 'text',
  firstPost: 'firstPostAt',
};

/** From two hours on, a follow-up says what still works and what to do meanwhile. */
export const MEANWHILE_AFTER_MS = 2 * 3600_000;

/**
 * The catalog key for an incident post. A follow-up says what changed when the phase moved on
 * since the last tweet (`identified`, `monitoring`); otherwise it restates the impact (`update`),
 * and from two hours on adds what to do meanwhile (`meanwhile`). A standalone follow-up uses
 * `standalone.<kind>`.
 */
export function situationFor(input: Pick<ComposeInput, 'kind' | 'phase' | 'previousPhase' | 'standalone' | 'openedAt' | 'at'>): Situation {
  if (input.kind === 'open') return 'open';
  if (input.standalone && input.kind !== 'announcement') return `standalone.${input.kind}`;
  if (input.kind !== 'update') return input.kind;
  const phase = input.phase ?? 'investigating';
  if (phase !== 'investigating' && phase !== (input.previousPhase ?? 'investigating')) return phase;
  // While a fix is being watched, every follow-up says so (its variants rotate).
  if (phase === 'monitoring') return 'monitoring';
  const elapsed = input.at === undefined ? 0 : Date.parse(input.at) - Date.parse(input.openedAt);
  return elapsed >= MEANWHILE_AFTER_MS ? 'meanwhile' : 'update';
}

/**
 * Composes the tweet for one post of an incident. Throws a {@link ComposeError} when an input is
 * invalid, a template needs a value the input lacks, or no variant fits in 280.
 */
export function composeTweet(catalog: Catalog, input: ComposeInput, options: ComposeOptions): ComposedTweet {
  const { situation, steps, opened } = incidentSteps(catalog, input, options);
  return choose(catalog, situation, steps, {
    // The start as well as the key: two incidents of the same key months apart read differently.
    // As an instant, so the same start written two ways (with or without milliseconds) seeds alike.
    seed: [input.incidentKey, String(opened.toMillis()), input.kind].join('\u0000'),
    turn: postNumber(input.postId),
    offset: input.variantOffset ?? 0,
    avoid: new Set((input.earlierTexts ?? []).map(maskedNumbers)),
    link: statusLink(options.statusUrl, input.incidentKey),
    allowedUrls: [],
    limit: options.limit ?? X_LIMIT,
  });
}

/**
 * The situation of an incident post and the values of its variables at each step of the fitting
 * order (fitting.ts), richest first. `lint-messages` proves with it that the last step fits.
 */
export function incidentSteps(catalog: Catalog, input: ComposeInput, options: ComposeOptions): { situation: Situation; steps: Record<string, string>[]; opened: DateTime } {
  checkLocale(catalog, options);
  const situation = situationFor(input);
  const opened = parseTime(input.openedAt, 'openedAt', options.timezone);
  const resolved = input.resolvedAt === undefined ? undefined : parseTime(input.resolvedAt, 'resolvedAt', options.timezone);
  const next = input.nextUpdateAt === undefined ? undefined : parseTime(input.nextUpdateAt, 'nextUpdateAt', options.timezone);
  const now = input.at === undefined ? undefined : parseTime(input.at, 'at', options.timezone);
  const { locale } = options;
  const facts: Facts = { impacts: impactsOf(input), scope: input.scope, dataSafety: input.dataSafety };

  // Times are read on the day the tweet is posted: no date for today, "yesterday" for the day before.
  const postedOn = now ?? resolved ?? next;
  const turn = postNumber(input.postId);
  // A reopening says when it came back; the thread's start is in the tweets before it.
  const cameBack = input.reopenedAt !== undefined && situation.endsWith('reopened') ? parseTime(input.reopenedAt, 'reopenedAt', options.timezone) : undefined;
  const values: Record<string, string> = {
    time: formatClockNear(cameBack ?? opened, postedOn, locale),
    safety: safetyText(catalog, facts),
    device: deviceText(catalog, facts.impacts),
    sorry: piece(catalog, `sorry.${input.severity}`),
    phase: input.phase ?? 'investigating',
  };
  // A resolve reported a little before the open (clocks of two monitors) still lasted a moment.
  const minutes = (resolved ?? now ?? opened).diff(opened, 'minutes').minutes;
  // A follow-up says how long so far in rounder words ("30시간째", "over a day"); a resolution, how long it lasted.
  values.duration = resolved || input.kind !== 'update' ? formatDuration(minutes, locale) : formatElapsed(minutes, locale);
  // The end on the start's day needs no day of its own: "어제 밤 11시부터 밤 11시 58분까지".
  if (resolved) values.endTime = resolved.hasSame(opened, 'day') ? formatClock(resolved, locale) : formatClockNear(resolved, postedOn, locale);
  // Under a minute reads as one time ("오전 7시 55분에 잠시"), never "7시 55분부터 7시 55분까지".
  if (resolved) values.span = readsAsOneTime(opened, resolved) ? 'brief' : 'range';
  if (next) values.nextUpdate = formatClock(next, locale);
  if (input.firstPostAt !== undefined) {
    values.firstPost = formatClockNear(parseTime(input.firstPostAt, 'firstPostAt', options.timezone), resolved ?? opened, locale);
  }
  // What to give up when the richest text does not fit, in the documented order (fitting.ts).
  // Long follow-ups take turns: what still works, then what to do, so each one adds something.
  const note = input.publicNote ? noteSentence(catalog, input.publicNote) : '';
  // With the note beside it, "we found the cause" would say the cause twice ("原因はわかっています。原因：…"):
  // the phase is `explained`, which templates word as the work alone; once the note gives way, `identified` again.
  const phaseWith = (note: string): Record<string, string> => (values.phase === 'identified' && note !== '' ? { phase: 'explained' } : {});
  const steps = fittingSteps(catalog, facts, cleanService(displayName(catalog, input.service)), note).map((step) => ({ ...values, ...step.words, ...phaseWith(step.words.note), ...(turn % 2 === 1 && { meanwhile: step.words.advice }) }));
  // A resolution after a reopening names every span it was down, and their total; if that cannot
  // fit, the plain first-to-last range still does. A last span under a minute has no "to" of its
  // own to write, so that resolution says the plain range too.
  const lastBrief = resolved && input.reopenedAt !== undefined && readsAsOneTime(parseTime(input.reopenedAt, 'reopenedAt', options.timezone), resolved);
  const spans = resolved && !lastBrief && input.reopenedAt !== undefined && input.earlierSpans?.length ? spanValues(input, resolved, postedOn, options) : undefined;
  return { situation, steps: spans ? [...steps.map((s) => ({ ...s, ...spans })), ...steps] : steps, opened };
}

/** `{time}` and `{duration}` of a resolution that names each span: "오후 2시부터 오후 2시 35분까지, 그리고 오후 2시 45분" (…부터 {endTime}까지). */
function spanValues(input: ComposeInput, resolved: DateTime, postedOn: DateTime | undefined, options: ComposeOptions): Record<string, string> {
  const at = (iso: string, field: string) => parseTime(iso, field, options.timezone);
  const earlier = input.earlierSpans!.map((s) => ({ from: at(s.from, 'earlierSpans'), to: at(s.to, 'earlierSpans') }));
  const current = at(input.reopenedAt!, 'reopenedAt');
  const minutes = [...earlier, { from: current, to: resolved }].reduce((sum, s) => sum + Math.max(1, s.to.diff(s.from, 'minutes').minutes), 0);
  return { time: formatSpansUntil(earlier, current, postedOn, options.locale), duration: formatDuration(minutes, options.locale) };
}

/**
 * The note as the catalog frames it ("원인: …"), ending like a sentence of its language: staff
 * often write a noun phrase, and the words after it must not run on from it. It was checked when
 * set (no mentions, tags or links); the tweet is checked once more before it goes out.
 */
function noteSentence(catalog: Catalog, text: string): string {
  const clean = cleanNote(text);
  const ended = /[.!?。！？…]$/u.test(clean) ? clean : `${clean}${languageOf(catalog.locale) === 'ja' ? '。' : '.'}`;
  return piece(catalog, 'note', { text: ended });
}

/** A text with every run of digits as `#`: two follow-ups that differ only in their times read the same. */
export const maskedNumbers = (text: string): string => text.replace(/[\d０-９]+/g, '#');

/** `update-3` → 3: successive follow-ups take successive variants, so no two in a row read alike. */
function postNumber(postId: string | undefined): number {
  const n = Number(/(\d+)$/.exec(postId ?? '')?.[1] ?? 0);
  return Number.isSafeInteger(n) ? n : 0;
}

/** Composes a maintenance notice or a staff announcement, with the same guarantees as {@link composeTweet}. */
export function composeNotice(catalog: Catalog, input: NoticeInput, options: ComposeOptions): ComposedTweet {
  checkLocale(catalog, options);
  const { locale } = options;
  const service = cleanService(displayName(catalog, input.service));
  const values: Record<string, string> = { service };
  const starts = input.startsAt === undefined ? undefined : parseTime(input.startsAt, 'startsAt', options.timezone);
  const ends = input.endsAt === undefined ? undefined : parseTime(input.endsAt, 'endsAt', options.timezone);
  if (starts) Object.assign(values, { date: formatDay(starts, locale), time: formatClock(starts, locale) });
  if (ends) values.endTime = formatClockNear(ends, starts, locale);
  let allowedUrls: string[] = [];
  if (input.text !== undefined) {
    values.text = sanitizeStaffText(input.text);
    if (!values.text) throw new ComposeError('invalid-input', 'the announcement text is empty');
    allowedUrls = twitterText.extractUrls(values.text); // staff may link on purpose
  }
  // A notice has no impacts to shorten: only the service name gives way (fitting.ts, step 7).
  const steps = [values, ...SERVICE_CUTS.map((max) => ({ ...values, service: capWeight(service, max) }))];
  return choose(catalog, NOTICE_SITUATIONS[input.kind], steps, {
    seed: [input.key, input.kind, ''].join('\u0000'),
    turn: 0,
    offset: input.variantOffset ?? 0,
    avoid: new Set(),
    link: statusLink(options.statusUrl, input.key),
    allowedUrls,
    limit: options.limit ?? X_LIMIT,
  });
}

interface Choice {
  seed: string;
  /** Added to the seeded start: the post's number in the incident. */
  turn: number;
  offset: number;
  /** Earlier texts of the thread, masked (`maskedNumbers`). */
  avoid: ReadonlySet<string>;
  link: string | undefined;
  allowedUrls: string[];
  limit: TextLimit;
}

/**
 * Picks the text. The variants that can be rendered form the group (when the next update time is
 * known, only those that say it); the last of the group is its short fallback and the others are
 * full. The seeded full variant comes first, then the other full ones, then the short one: a
 * shorter text goes out only when the longer ones do not fit. All that with each step's values in
 * turn (`valueSets`, the fitting order of fitting.ts: every variant with all the facts before any
 * with fewer). Each candidate carries the status link when it fits with it. `offset` walks the
 * fitting candidates (after X refused one as a duplicate).
 */
function choose(catalog: Catalog, situation: Situation, valueSets: Record<string, string>[], how: Choice): ComposedTweet {
  const variants = catalog.situations.get(situation) ?? [];
  const { full, short } = variantGroup(catalog, situation, valueSets[0]!);
  const start = mod(fnv1a(how.seed) + how.turn, full.length);
  const rotated = full.map((_, k) => full[(start + k) % full.length]!);
  // Facts matter more than the wording around them: every variant at one step comes before any at the next.
  const candidates = valueSets.flatMap((set) => [...rotated, ...short].map((index) => ({ variant: index, text: render(variants[index]!, set, situation, index) })));

  const seen = new Set<string>();
  const fitting: Array<{ variant: number; text: string; weightedLength: number; link: boolean }> = [];
  for (const c of candidates) {
    if (seen.has(c.text)) continue;
    seen.add(c.text);
    for (const link of how.link ? [how.link, undefined] : [undefined]) {
      const text = link ? `${c.text}\n${link}` : c.text;
      const weight = how.limit.measure(text);
      if (weight > how.limit.max) continue;
      fitting.push({ variant: c.variant, text, weightedLength: weight, link: link !== undefined });
      break;
    }
  }
  if (fitting.length === 0) {
    const shortest = Math.min(...candidates.map((r) => how.limit.measure(r.text)));
    throw new ComposeError('too-long', `no ${situation} variant fits in ${how.limit.label} (shortest is ${shortest}); shorten one in messages/${catalog.locale}.yaml`, { situation });
  }
  // A text the thread already said (times and numbers aside) only when nothing else fits.
  const fresh = fitting.filter((f) => !how.avoid.has(maskedNumbers(f.text)));
  const pool = fresh.length > 0 ? fresh : fitting;
  const pick = pool[mod(how.offset, pool.length)]!;
  const unsafe = findUnsafeEntities(pick.text, pick.link && how.link ? [...how.allowedUrls, how.link] : how.allowedUrls);
  if (unsafe.length > 0 || !how.limit.postable(pick.text)) {
    const why = unsafe.length > 0 ? `it would carry ${unsafe.join(', ')}` : `${how.limit.network} would refuse its characters`;
    throw new ComposeError('unsafe-text', `${situation} variant ${pick.variant + 1} cannot be posted: ${why}`, { situation, variant: pick.variant });
  }
  return { text: pick.text, weightedLength: pick.weightedLength, variant: pick.variant, situation };
}

/**
 * The variants `values` can render: those that promise the next update when it is known, else
 * those that do not. The last of the group is its short fallback, the others are full.
 */
function variantGroup(catalog: Catalog, situation: Situation, values: Record<string, string>): { full: number[]; short: number[] } {
  const variants = catalog.situations.get(situation) ?? [];
  const usableIndexes = variants.flatMap((variant, index) => (usable(variant, index, situation, values) ? [index] : []));
  if (usableIndexes.length === 0) {
    throw new ComposeError('missing-variable', `every ${situation} variant needs {nextUpdate}: pass nextUpdateAt, or add a variant without it to messages/${catalog.locale}.yaml`, { situation });
  }
  const promising = usableIndexes.filter((i) => variants[i]!.variables.includes('nextUpdate'));
  const group = promising.length > 0 ? promising : usableIndexes;
  return group.length > 1 ? { full: group.slice(0, -1), short: group.slice(-1) } : { full: group, short: [] };
}

/**
 * The shortest text the group of `situation` gives with `values`, without the status link, as
 * `limit` measures it; with whether the network would take it. What lint checks at the last step.
 */
export function shortestRendering(catalog: Catalog, situation: Situation, values: Record<string, string>, limit: TextLimit): { text: string; length: number; postable: boolean } {
  const rendered = renderGroup(catalog, situation, values).map((text) => ({ text, length: limit.measure(text) }));
  const best = rendered.reduce((a, b) => (b.length < a.length ? b : a));
  return { ...best, postable: limit.postable(best.text) };
}

/** Every variant of the group `values` can render, rendered (without the status link). */
export function renderGroup(catalog: Catalog, situation: Situation, values: Record<string, string>): string[] {
  const variants = catalog.situations.get(situation) ?? [];
  const { full, short } = variantGroup(catalog, situation, values);
  return [...full, ...short].map((index) => render(variants[index]!, values, situation, index));
}

/** Whether `variant` can be rendered from `values`; a missing required value is an error, not a skip. */
function usable(variant: MessageVariant, index: number, situation: Situation, values: Record<string, string>): boolean {
  const missing = variant.variables.filter((name) => !(name in values));
  if (missing.length === 0) return true;
  const required = missing.filter((name) => !(OPTIONAL_VARIABLES as readonly string[]).includes(name));
  if (required.length === 0) return false;
  const fields = required.map((name) => `{${name}} (from ${SOURCE_OF[name] ?? name})`).join(', ');
  throw new ComposeError('missing-variable', `${situation} variant ${index + 1} needs ${fields}, which the input does not have`, { situation, variant: index });
}

/** A rendered text without what an empty piece ({safety} or {note} when there is none) leaves behind: a double space, a space before a full stop. */
export const tidy = (text: string): string => text.replace(/ {2,}/g, ' ').replace(/ ([.。])/g, '$1').trim();

function render(variant: MessageVariant, values: Record<string, string>, situation: Situation, index: number): string {
  try {
    const out = variant.message.format(values);
    return tidy(Array.isArray(out) ? out.join('') : String(out));
  } catch (e) {
    throw new ComposeError('missing-variable', `${situation} variant ${index + 1} cannot be rendered: ${(e as Error).message}`, { situation, variant: index, cause: e });
  }
}

function checkLocale(catalog: Catalog, options: ComposeOptions): void {
  if (languageOf(options.locale) !== languageOf(catalog.locale)) {
    throw new ComposeError('locale-mismatch', `asked for locale ${options.locale} with the ${catalog.locale} catalog; load the catalog for ${options.locale}`);
  }
}

/** The service's name in the catalog's language when the catalog gives one (`KakaoTalk` → 카카오톡), else as it came. */
const displayName = (catalog: Catalog, service: string): string => catalog.services[service] ?? service;

function cleanService(raw: string): string {
  const service = sanitizeServiceName(raw);
  if (!service) throw new ComposeError('invalid-input', `the service name ${JSON.stringify(raw.slice(0, 60))} has nothing printable once cleaned`);
  return service;
}

function parseTime(iso: string, field: string, zone: string): DateTime {
  const dt = DateTime.fromISO(iso, { zone });
  if (!dt.isValid) throw new ComposeError('invalid-input', `${field} ${JSON.stringify(iso)} is not a usable time in ${zone}: ${dt.invalidExplanation ?? dt.invalidReason}`);
  return dt;
}

/**
 * The status link for `key`: `{key}` in `template` replaced with the URL-encoded key. Throws a
 * ComposeError when the result is not one http(s) link X recognizes; call it once at start with
 * the configured template so a bad link stops herald then rather than failing every tweet.
 */
export function statusLink(template: string | undefined, key: string): string | undefined {
  if (!template) return undefined;
  const link = template.replaceAll('{key}', encodeURIComponent(key));
  // X must see the whole link as one link, or the tweet would show half a URL as text.
  if (!/^https?:\/\//i.test(link) || twitterText.extractUrls(link)[0] !== link) {
    throw new ComposeError('invalid-input', `the status link ${JSON.stringify(link)} is not a single http(s) link X recognizes`);
  }
  return link;
}

// FNV-1a over UTF-8: tiny, stable across Node versions and machines, well spread for short keys.
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) hash = Math.imul(hash ^ byte, 0x01000193);
  return hash >>> 0;
}

const mod = (n: number, m: number): number => ((Math.trunc(n) % m) + m) % m;
