/**
 * How X measures a tweet. twitter-text is X's own counting code: CJK characters weigh 2, every
 * link weighs 23 whatever its length, and the limit is 280. Composing and draft editing both use
 * these two functions so the number a person sees is the number X enforces.
 */
import twitterText from 'twitter-text';

/** The most a tweet may weigh. */
export const MAX_WEIGHTED_LENGTH = 280;

/** The weight X gives `text` (Hangul and kana count 2, a URL 23). */
export function weightedLength(text: string): number {
  return twitterText.parseTweet(text).weightedLength;
}

/** Whether X would accept `text` as a tweet: not blank, no invalid characters, at most 280. */
export function isPostable(text: string): boolean {
  return text.trim().length > 0 && twitterText.parseTweet(text).valid;
}
