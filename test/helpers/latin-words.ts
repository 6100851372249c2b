/**
 * What of a Korean or Japanese page is still in English: runs of Latin letters a person reads
 * (text, titles, placeholders, labels for screen readers), outside names that stay Latin in any
 * language (services, X, PC, iPhone, herald itself), ids and URLs. Used by the locale sweep of
 * every console page and of the status page.
 */

/** Words that are names, not English: products, platforms, formats and the test's own people. */
export const LATIN_NAMES = new Set([
  'herald', 'X', 'API', 'KakaoTalk', 'Kakao', 'PC', 'Mac', 'iPhone', 'iOS', 'iPad', 'Android', 'Windows', 'Web',
  'Redis', 'Bluesky', 'Mastodon', 'Slack', 'Atom', 'iCalendar', 'IANA',
  // the test people (test/helpers/console.ts) and the actor herald records for itself
  'ada', 'bo', 'cy', 'mina',
]);

/** Elements whose text is not read as prose: scripts, styles, code (keys and ids), text marked English on purpose. */
const SKIPPED = /<(script|style|code)\b[^>]*>[\s\S]*?<\/\1>|<(\w+)\b[^>]*\blang="en"[^>]*>[\s\S]*?<\/\2>/gi;
/** Attributes a person reads or hears. */
const READ_ATTRIBUTES = /\b(?:placeholder|title|aria-label|alt)="([^"]*)"/gi;

const decode = (text: string) => text.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'");

/** The words of `html` a person reads: text between tags and the attributes above. */
export function readableText(html: string): string {
  const body = html.replace(/<!doctype[^>]*>/i, '').replace(SKIPPED, ' ');
  const attributes = [...body.matchAll(READ_ATTRIBUTES)].map((m) => m[1]!);
  const text = body.replace(/<[^>]*>/g, ' ');
  return decode([text, ...attributes].join('\n'));
}

/**
 * Latin words in `html` that are neither names nor parts of an id or URL. A token (a run without
 * spaces) holding a digit, one of `_ ~ / : @ # =` or a dot between letters is an id, a key, a URL, an environment
 * variable, a mention or a file name, and is left alone.
 */
export function englishWords(html: string): string[] {
  const found = new Set<string>();
  for (const token of readableText(html).split(/[\s,;()（）「」、。·…]+/)) {
    if (/[0-9_~/:@#=$]|[A-Za-z]\.[A-Za-z]/.test(token)) continue;
    for (const word of token.match(/[A-Za-z]+/g) ?? []) if (!LATIN_NAMES.has(word)) found.add(word);
  }
  return [...found];
}

/** Clock words from a machine's date formatting that a Korean or Japanese reader should never see. */
export const machineClock = (html: string): string[] => [...readableText(html).matchAll(/\b(AM|PM|GMT[+-]?\d*)\b/g)].map((m) => m[0]);
