import twitterText from 'twitter-text';
import { z } from 'zod';
import { factsShape } from './impacts.ts';
import type { Incident, IncidentFacts, Post, PublicNote } from './model.ts';

/**
 * The public note: what staff tell followers about the cause, in their own words, set from the
 * console, the API or the CLI (never from monitoring: a webhook body with it is refused). Pure.
 * It goes inside herald's own tweets, so it follows the rules of every person-typed text there
 * (approval/draft-text.ts) and one more: no links, since the status link is herald's to add.
 */

/** The most a note may weigh, as X counts (Hangul, kana and CJK 2): room left for the facts around it. */
export const PUBLIC_NOTE_MAX_WEIGHT = 100;

/** One line, no invisible characters, spaces folded: a note is a sentence inside a tweet. */
export const cleanNote = (raw: string): string =>
  raw
    .normalize('NFC')
    .replace(/[\r\n\u2028\u2029\t\v\f]+/g, ' ')
    .replace(/\p{C}/gu, '')
    .replace(/\s+/g, ' ')
    .trim();

/** One language's note text, cleaned, with every reason it cannot be posted named at once. */
export const noteText = z.string().transform((raw, ctx) => {
  const text = cleanNote(raw);
  if (!text) ctx.addIssue({ code: 'custom', message: 'the note is empty: leave it out to keep the one set, or send null to remove it' });
  const weight = twitterText.parseTweet(text).weightedLength;
  if (weight > PUBLIC_NOTE_MAX_WEIGHT) {
    ctx.addIssue({ code: 'custom', message: `it weighs ${weight} of ${PUBLIC_NOTE_MAX_WEIGHT} (Hangul, kana and CJK count 2): shorten it by ${weight - PUBLIC_NOTE_MAX_WEIGHT}` });
  }
  const entities = [
    ...twitterText.extractMentions(text).map((m) => `@${m}`),
    ...twitterText.extractHashtags(text).map((h) => `#${h}`),
    ...twitterText.extractCashtags(text).map((c) => `$${c}`),
    ...twitterText.extractUrls(text),
  ];
  if (entities.length > 0) ctx.addIssue({ code: 'custom', message: `the account does not post mentions, hashtags, cashtags or links in a note: remove ${entities.join(', ')}` });
  return text;
});

/** A language as the catalogs are named (`ko`, `en`, `ja`). */
const language = z.string().regex(/^[a-z]{2,3}$/, 'a language such as ko, en or ja');

/**
 * `publicNote` as people send it: text in herald's language (HERALD_LOCALE), texts by language
 * (`{"ko": "…", "ja": "…"}`, each account then tweets its own), or null to remove the note.
 */
export type PublicNoteInput = string | Record<string, string> | null;
const noteTexts = z.record(language, noteText).refine((texts) => Object.keys(texts).length > 0, 'give the note in at least one language');
// Not a zod union: a union would answer "Invalid input" where a person needs to read which rule the text broke.
export const publicNoteInput = z.unknown().transform((value, ctx): PublicNoteInput => {
  if (value === null) return null;
  const parsed = typeof value === 'string' ? noteText.safeParse(value) : typeof value === 'object' && !Array.isArray(value) ? noteTexts.safeParse(value) : undefined;
  if (parsed?.success) return parsed.data;
  for (const issue of parsed?.error.issues ?? [{ code: 'custom' as const, path: [], message: 'a text, texts by language ({"ko": "…"}), or null to remove the note' }]) ctx.addIssue({ ...issue, path: issue.path } as never);
  return z.NEVER;
}).meta({
  // What the schema documents (docs/openapi.json): the transform above is what enforces it.
  description: `Staff's public note (the cause, in their words): a text in HERALD_LOCALE's language, texts by language, or null to remove it. One line, at most ${PUBLIC_NOTE_MAX_WEIGHT} of X's weight (Hangul, kana and CJK count 2), no mentions, hashtags, cashtags or links.`,
  anyOf: [{ type: 'string', minLength: 1 }, { type: 'object', additionalProperties: { type: 'string', minLength: 1 }, propertyNames: { pattern: '^[a-z]{2,3}$' } }, { type: 'null' }],
});

/** What a person may set on a running incident: the facts events carry, and the public note. */
export interface PersonFacts extends IncidentFacts {
  publicNote?: PublicNoteInput;
}

/** The body of PATCH /api/incidents/:key, the CLI's and the console's: any of the facts, at least one. */
export const personFactsSchema = z
  .object({ ...factsShape, publicNote: publicNoteInput.optional() })
  .strict()
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'set at least one of impacts, scope, phase, dataSafety, publicNote' });

/**
 * The incident with the note a person set: a plain text is in `language` (herald's) and leaves
 * the other languages' as they are; texts by language replace them all; null removes the note.
 * Unchanged when the texts are the ones already set.
 */
export function withPublicNote(incident: Incident, input: PublicNoteInput, language: string, by: string, at: string): Incident {
  const texts = input === null ? {} : typeof input === 'string' ? { ...incident.publicNote?.texts, [language]: input } : input;
  if (sameTexts(incident.publicNote?.texts ?? {}, texts)) return incident;
  const { publicNote: old, ...rest } = incident;
  // An approval stays with the note: it covers only the texts it names, so a changed one is not covered.
  return Object.keys(texts).length === 0 ? rest : { ...rest, publicNote: { texts, by, at, ...(old?.approved && { approved: old.approved }) } };
}

/**
 * The note text in `language` that may go into a post nobody reviews before it goes out: only
 * the one a person approved (PublicNote.approved), and only while it is still the note's text.
 */
export function approvedNoteText(note: PublicNote | undefined, language: string): string | undefined {
  const text = note?.texts[language];
  return text !== undefined && note?.approved?.texts[language] === text ? text : undefined;
}

/**
 * Records that the note texts `post` says were approved (a person approved its draft, or the rule
 * posted it on timeout): later posts nobody reviews may say them too. Texts changed since are not.
 */
export function withNoteApproved(incident: Incident, post: Post, by: string, at: string): Incident {
  const note = incident.publicNote;
  const seen = Object.entries(post.carriesNote ?? {}).filter(([lang, text]) => note?.texts[lang] === text);
  if (!note || seen.length === 0) return incident;
  return { ...incident, publicNote: { ...note, approved: { by, at, texts: { ...note.approved?.texts, ...Object.fromEntries(seen) } } } };
}

const sameTexts = (a: Record<string, string>, b: Record<string, string>): boolean => {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
};

/** The note as the audit and the journal show it: `ko "…"; en "…"`, or `none`. */
export const describeNote = (note: PublicNote | undefined): string =>
  note ? Object.entries(note.texts).map(([lang, text]) => `${lang} ${JSON.stringify(text)}`).join('; ') : 'none';
