/**
 * Service names arrive from configuration and from alert payloads, so they are untrusted text
 * that ends up in a public tweet. Cleaning them here means no caller can make the account mention
 * someone, start a hashtag or a cashtag, or post a link by naming a service oddly.
 */
import twitterText from 'twitter-text';
import { weightedLength } from './tweet-length.ts';

/**
 * Longest service name, in characters (graphemes): what ingest accepts (incidents/service-name.ts).
 * A longer one from elsewhere is cut with `…`. When a tweet does not fit, the name is shortened
 * further, as the last step of the fitting order (fitting.ts).
 */
export const SERVICE_NAME_MAX_LENGTH = 60;

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
 * `$`, no URL, at most {@link SERVICE_NAME_MAX_LENGTH} characters (cut with `…`). Returns `''` when nothing
 * printable is left; the caller decides whether that is an error.
 */
export function sanitizeServiceName(raw: string): string {
  const name = sanitizeLine(raw);
  const graphemes = graphemesOf(name);
  return graphemes.length <= SERVICE_NAME_MAX_LENGTH ? name : `${graphemes.slice(0, SERVICE_NAME_MAX_LENGTH - 1).join('').trimEnd()}…`;
}

/** One line of untrusted text made safe inside a tweet: no line breaks or invisible characters, no `@`, `#`, `$`, no URL. */
function sanitizeLine(raw: string): string {
  let line = raw.normalize('NFKC').replace(LINE_BREAKS, ' ').replace(INVISIBLE, '');
  line = line.replace(SCHEME, '').replaceAll('://', '').replace(ENTITY_SIGILS, '');
  for (const url of twitterText.extractUrlsWithIndices(line).reverse()) {
    const [start, end] = url.indices;
    line = line.slice(0, start) + line.slice(start, end).replaceAll('.', ONE_DOT_LEADER) + line.slice(end);
  }
  return line.replace(/\s+/g, ' ').trim();
}

const graphemesOf = (text: string): string[] => Array.from(new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text), (s) => s.segment);

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

/** `text` cut to `max` of X's weight, with `…`; between graphemes, so an emoji or a Hangul syllable is never split. */
export function capWeight(text: string, max: number): string {
  if (weightedLength(text) <= max) return text;
  // Longest prefix that fits, found by halving: measuring is the costly part.
  const graphemes = graphemesOf(text);
  const cut = (n: number) => `${graphemes.slice(0, n).join('').trimEnd()}…`;
  let [fits, fails] = [0, graphemes.length];
  while (fails - fits > 1) {
    const mid = (fits + fails) >> 1;
    if (weightedLength(cut(mid)) <= max) fits = mid;
    else fails = mid;
  }
  return fits > 0 && graphemes.slice(0, fits).join('').trim() ? cut(fits) : '';
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
