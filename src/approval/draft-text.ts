import twitterText from 'twitter-text';
import { findUnsafeEntities, sanitizeStaffText } from '../compose/sanitize.ts';
import { MAX_WEIGHTED_LENGTH, isPostable, weightedLength } from '../compose/tweet-length.ts';

/**
 * What a person may post in place of a composed tweet. Staff may write freely and link on purpose
 * (as in an announcement), but the account never mentions, tags or cashtags anyone: a mention in
 * an outage notice pulls a stranger into it, a hashtag or cashtag ties the brand to a trend.
 */

/** One reason a text cannot be posted, as data, so the console can say it in the person's language. */
export type TextProblem =
  | { code: 'empty' }
  | { code: 'too-long'; length: number; max: number; over: number }
  | { code: 'entities'; entities: string }
  | { code: 'unpostable' };

export type CheckedText =
  | { ok: true; text: string; weightedLength: number }
  | { ok: false; error: string; details: string[]; problems: TextProblem[]; weightedLength: number };

/** Cleans `raw` as staff text (invisible characters out, line breaks kept) and checks it. */
export function checkDraftText(raw: string): CheckedText {
  const text = sanitizeStaffText(raw);
  const length = weightedLength(text);
  const details: string[] = [];
  const problems: TextProblem[] = [];
  if (!text) {
    details.push('the text is empty');
    problems.push({ code: 'empty' });
  }
  if (length > MAX_WEIGHTED_LENGTH) {
    details.push(`it weighs ${length} of ${MAX_WEIGHTED_LENGTH} (Hangul, kana and CJK count 2, every link 23): shorten it by ${length - MAX_WEIGHTED_LENGTH}`);
    problems.push({ code: 'too-long', length, max: MAX_WEIGHTED_LENGTH, over: length - MAX_WEIGHTED_LENGTH });
  }
  const links = twitterText.extractUrls(text);
  const unsafe = findUnsafeEntities(text, links);
  if (unsafe.length > 0) {
    details.push(`the account does not post mentions, hashtags or cashtags: remove ${unsafe.join(', ')}`);
    // The console names the entities themselves ("@kakao, #장애"); its sentence says what they are.
    problems.push({ code: 'entities', entities: unsafe.map((u) => u.slice(u.indexOf(' ') + 1)).join(', ') });
  }
  if (text && length <= MAX_WEIGHTED_LENGTH && !isPostable(text)) {
    details.push('X would refuse some of its characters');
    problems.push({ code: 'unpostable' });
  }
  if (details.length > 0) return { ok: false, error: 'the text is not a tweet herald can post', details, problems, weightedLength: length };
  return { ok: true, text, weightedLength: length };
}
