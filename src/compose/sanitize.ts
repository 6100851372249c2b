/**
 * Service names arrive from configuration and from alert payloads, so they are untrusted text
 * that ends up in a public tweet. Cleaning them here means no caller can make the account mention
 * someone, start a hashtag or a cashtag, or post a link by naming a service oddly.
 */
import twitterText from 'twitter-text';
import { weightedLength } from './tweet-length.ts';

/** Longest service name, in X's weight (40 Latin letters or 20 Hangul). Messages are linted against it. */
export const SERVICE_NAME_MAX_WEIGHT = 40;

// NFKC first: it folds look-alikes such as ＠ and ＃ into @ and #, which X also treats as mentions
// and hashtags, so the stripping below catches them.
const LINE_BREAKS = /[\r\n\u2028\u2029\t\v\f]+/g;
const INVISIBLE = /\p{C}/gu; // control, format (bidi overrides, zero-width), private use, unassigned
const ENTITY_SIGILS = /[@#$]/g;
const SCHEME = /[a-z][a-z0-9+.-]*:\/\//gi;
// Looks like a period but X does not read it as one, so `talk.example.com` stops being a link.
const ONE_DOT_LEADER = '\u2024';

/**
 * Makes a service name safe to put in a tweet: one line, no invisible characters, no `@`, `#`,
 * `$`, no URL, at most {@link SERVICE_NAME_MAX_WEIGHT} (cut with `…`). Returns `''` when nothing
 * printable is left; the caller decides whether that is an error.
 */
export function sanitizeServiceName(raw: string): string {
  let name = raw.normalize('NFKC').replace(LINE_BREAKS, ' ').replace(INVISIBLE, '');
  name = name.replace(SCHEME, '').replaceAll('://', '').replace(ENTITY_SIGILS, '');
  for (const url of twitterText.extractUrlsWithIndices(name).reverse()) {
    const [start, end] = url.indices;
    name = name.slice(0, start) + name.slice(start, end).replaceAll('.', ONE_DOT_LEADER) + name.slice(end);
  }
  name = name.replace(/\s+/g, ' ').trim();
  return capWeight(name, SERVICE_NAME_MAX_WEIGHT);
}

/** Staff-written text keeps its line breaks (they are deliberate) but loses invisible characters. */
export function sanitizeStaffText(raw: string): string {
  return raw
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/[^\S\n]+/g, ' ')
    .replace(/(?!\n)\p{C}/gu, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function capWeight(text: string, max: number): string {
  if (weightedLength(text) <= max) return text;
  // Cut between graphemes so an emoji or a composed Hangul syllable is never split.
  const graphemes = Array.from(new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text), (s) => s.segment);
  while (graphemes.length > 0 && weightedLength(`${graphemes.join('').trimEnd()}…`) > max) graphemes.pop();
  const kept = graphemes.join('').trimEnd();
  return kept ? `${kept}…` : '';
}

/**
 * What in `text` X would turn into a mention, hashtag, cashtag or link, other than the links in
 * `allowedUrls`. Empty when the text is safe to post; otherwise short descriptions for an error.
 */
export function findUnsafeEntities(text: string, allowedUrls: readonly string[] = []): string[] {
  const found = [
    ...twitterText.extractMentions(text).map((m) => `mention @${m}`),
    ...twitterText.extractHashtags(text).map((h) => `hashtag #${h}`),
    ...twitterText.extractCashtags(text).map((c) => `cashtag $${c}`),
    ...twitterText.extractUrls(text).filter((u) => !allowedUrls.includes(u)).map((u) => `link ${u}`),
  ];
  return found;
}
