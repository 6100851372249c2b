/**
 * How each network measures a post, so one catalog is composed for each account's network: X's
 * weighting (twitter-text: CJK 2, a link 23, limit 280), Bluesky's 300 graphemes (and 3,000 bytes;
 * a link counts its whole length, there is no shortener), and a Mastodon instance's own limit
 * (graphemes, every link counting 23, 500 unless the instance says otherwise).
 */
import twitterText from 'twitter-text';
import { MAX_WEIGHTED_LENGTH, isPostable, weightedLength } from './tweet-length.ts';

export type TextNetwork = 'x' | 'bluesky' | 'mastodon';

export interface TextLimit {
  network: TextNetwork;
  max: number;
  /** The length the network compares with `max`. */
  measure(text: string): number;
  /** Whether the network would take `text` at all (within `max`, not blank, within byte caps). */
  postable(text: string): boolean;
  /** How a person is told about the limit: `280 weighted (X)`. */
  label: string;
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export function graphemes(text: string): number {
  let n = 0;
  for (const _ of segmenter.segment(text)) n += 1;
  return n;
}

export const X_LIMIT: TextLimit = {
  network: 'x',
  max: MAX_WEIGHTED_LENGTH,
  measure: weightedLength,
  postable: isPostable,
  label: `${MAX_WEIGHTED_LENGTH} weighted (X)`,
};

export const BLUESKY_MAX_GRAPHEMES = 300;
export const BLUESKY_MAX_BYTES = 3000;

export const BLUESKY_LIMIT: TextLimit = {
  network: 'bluesky',
  max: BLUESKY_MAX_GRAPHEMES,
  measure: graphemes,
  postable: (text) => text.trim().length > 0 && graphemes(text) <= BLUESKY_MAX_GRAPHEMES && Buffer.byteLength(text, 'utf8') <= BLUESKY_MAX_BYTES,
  label: `${BLUESKY_MAX_GRAPHEMES} graphemes (Bluesky)`,
};

export const MASTODON_DEFAULT_MAX = 500;
/** What Mastodon counts for any link (`characters_reserved_per_url`). */
export const MASTODON_URL_LENGTH = 23;

/** Mastodon's count: graphemes, each link as 23 whatever its length. */
export function mastodonLength(text: string, urlLength = MASTODON_URL_LENGTH): number {
  const urls = twitterText.extractUrlsWithIndices(text).filter((u) => /^https?:\/\//i.test(u.url));
  let rest = text;
  for (const u of [...urls].reverse()) rest = rest.slice(0, u.indices[0]) + rest.slice(u.indices[1]);
  return graphemes(rest) + urls.length * urlLength;
}

export function mastodonLimit(max = MASTODON_DEFAULT_MAX): TextLimit {
  return {
    network: 'mastodon',
    max,
    measure: (text) => mastodonLength(text),
    postable: (text) => text.trim().length > 0 && mastodonLength(text) <= max,
    label: `${max} characters (Mastodon)`,
  };
}

/** The limit of an account on `network`; a Mastodon account's is its instance's, once read. */
export function limitFor(network: TextNetwork, mastodonMax?: number): TextLimit {
  if (network === 'bluesky') return BLUESKY_LIMIT;
  if (network === 'mastodon') return mastodonLimit(mastodonMax);
  return X_LIMIT;
}
