/**
 * Times and durations as followers say them. Korean, English and Japanese are spelled out here
 * rather than left to Intl: the ICU data bundled with Node differs between builds (some print
 * "PM 4:54" for Korean), and a golden test or a tweet must not change with the machine.
 * Other languages fall back to luxon's Intl formatting.
 */
import { DateTime, Duration } from 'luxon';

/** `ko`, `en`, `ja`, ... from a tag such as `ko-KR`. */
export function languageOf(locale: string): string {
  let language = languages.get(locale);
  if (language === undefined) {
    try {
      language = new Intl.Locale(locale).language;
    } catch {
      language = locale.toLowerCase().split(/[-_]/)[0] ?? locale;
    }
    if (languages.size < 100) languages.set(locale, language);
  }
  return language;
}
// Parsing a tag costs more than composing the words that need it: a few tags, asked for often.
const languages = new Map<string, string>();

const pad2 = (n: number): string => String(n).padStart(2, '0');
const hour12 = (hour: number): number => (hour % 12 === 0 ? 12 : hour % 12);

/**
 * The part of the day a Korean speaker names: 새벽 from 1 to 5, 낮 for the noon hour (낮 12시 10분,
 * never "오후 12시"), 밤 from 9 in the evening. Midnight itself is 자정 and the hour after it 0시:
 * "오전 12시" is read as noon by many.
 */
function koreanDayPart(hour: number): string {
  if (hour >= 1 && hour < 6) return '새벽';
  if (hour < 12) return '오전';
  if (hour === 12) return '낮';
  if (hour < 21) return '오후';
  return '밤';
}

/**
 * Clock time in `dt`'s zone: "오후 4시 54분", "4:54 PM", "16時54分". On the hour: "오후 4시", "16時".
 * Midnight is "자정" and "midnight"; the minutes after it "0시 28분" and "12:28 AM".
 */
export function formatClock(dt: DateTime, locale: string): string {
  const { hour, minute } = dt;
  switch (languageOf(locale)) {
    case 'ko':
      if (hour === 0) return minute ? `0시 ${minute}분` : '자정';
      return `${koreanDayPart(hour)} ${hour12(hour)}시${minute ? ` ${minute}분` : ''}`;
    case 'en':
      if (hour === 0 && minute === 0) return 'midnight';
      return `${hour12(hour)}:${pad2(minute)} ${hour < 12 ? 'AM' : 'PM'}`;
    case 'ja':
      return `${hour}時${minute ? `${minute}分` : ''}`;
    default:
      return dt.setLocale(locale).toLocaleString(DateTime.TIME_SIMPLE);
  }
}

/** Calendar day in `dt`'s zone: "3월 14일", "Mar 14", "3月14日". */
export function formatDay(dt: DateTime, locale: string): string {
  switch (languageOf(locale)) {
    case 'ko':
      return `${dt.month}월 ${dt.day}일`;
    case 'en':
      return dt.setLocale('en').toFormat('LLL d');
    case 'ja':
      return `${dt.month}月${dt.day}日`;
    default:
      return dt.setLocale(locale).toLocaleString({ month: 'short', day: 'numeric' });
  }
}

/** Day and time: "3월 14일 오후 4시 54분", "Mar 14, 4:54 PM", "3月14日16時54分" (Japanese runs them together). */
export function formatDayAndClock(dt: DateTime, locale: string): string {
  const separator = { en: ', ', ja: '' }[languageOf(locale)] ?? ' ';
  return `${formatDay(dt, locale)}${separator}${formatClock(dt, locale)}`;
}

/** The day before `reference`'s, as followers say it, with the clock: "어제 밤 9시", "9:00 PM yesterday", "昨日21時". */
function yesterdayAndClock(dt: DateTime, locale: string): string | undefined {
  const clock = formatClock(dt, locale);
  return { ko: `어제 ${clock}`, en: `${clock} yesterday`, ja: `昨日${clock}` }[languageOf(locale)];
}

/**
 * `dt`'s clock time as read on `reference`'s day (when the tweet is posted): the clock alone on
 * that day (no date for today), "yesterday" the day before, the date further back or ahead. So an
 * outage that crosses midnight never reads as if it started later than it ended.
 */
export function formatClockNear(dt: DateTime, reference: DateTime | undefined, locale: string): string {
  if (!reference || reference.hasSame(dt, 'day')) return formatClock(dt, locale);
  const dayBefore = reference.minus({ days: 1 }).hasSame(dt, 'day') ? yesterdayAndClock(dt, locale) : undefined;
  return dayBefore ?? formatDayAndClock(dt, locale);
}

/**
 * How long something lasted, rounded to the minute and never below one:
 * "54분", "1시간 12분", "25시간", "2일 3시간"; "54 minutes", "1 hour and 12 minutes"; "54分間", "1時間12分".
 * Hours up to two days ("1일" reads as "its first day"); from a day on, minutes are dropped:
 * nobody needs them after a day-long outage.
 */
export function formatDuration(totalMinutes: number, locale: string): string {
  const minutesTotal = Math.max(1, Math.round(totalMinutes));
  const days = minutesTotal >= 2880 ? Math.floor(minutesTotal / 1440) : 0;
  const hours = Math.floor((minutesTotal - days * 1440) / 60);
  const minutes = minutesTotal >= 1440 ? 0 : minutesTotal % 60;
  const parts: Array<[number, 'day' | 'hour' | 'minute']> = (
    [[days, 'day'], [hours, 'hour'], [minutes, 'minute']] as Array<[number, 'day' | 'hour' | 'minute']>
  ).filter(([n]) => n > 0);
  switch (languageOf(locale)) {
    case 'ko': {
      const unit = { day: '일', hour: '시간', minute: '분' };
      return parts.map(([n, u]) => `${n}${unit[u]}`).join(' ');
    }
    case 'ja': {
      // A span of minutes takes 間 (28分間); 時間 has it already.
      const unit = { day: '日', hour: '時間', minute: '分' };
      const text = parts.map(([n, u]) => `${n}${unit[u]}`).join('');
      return parts.at(-1)?.[1] === 'minute' ? `${text}間` : text;
    }
    case 'en':
      return parts.map(([n, u]) => `${n} ${u}${n === 1 ? '' : 's'}`).join(' and ');
    default:
      return Duration.fromObject(Object.fromEntries(parts.map(([n, u]) => [`${u}s`, n])))
        .reconfigure({ locale })
        .toHuman({ unitDisplay: 'short' });
  }
}

const KOREAN_DAYS = ['', '하루', '이틀', '사흘', '나흘', '닷새', '엿새', '이레'];

/**
 * How long an outage has lasted so far, in the words a follow-up uses: exact while it is young,
 * then rounded as people say it. Korean counts with 째 ("40분째", "1시간 30분째", "3시간째",
 * "30시간째", then "이틀째"); English "for over 3 hours", "over a day"; Japanese "3時間以上",
 * "24時間以上", "2日以上".
 */
export function formatElapsed(totalMinutes: number, locale: string): string {
  const minutes = Math.max(1, Math.round(totalMinutes));
  const hours = Math.floor(minutes / 60);
  const days = Math.floor(minutes / 1440);
  const exact = minutes < 120;
  switch (languageOf(locale)) {
    case 'ko':
      if (exact) return `${formatDuration(minutes, locale)}째`;
      if (days < 2) return `${hours}시간째`;
      return `${KOREAN_DAYS[days] ?? `${days}일`}째`;
    case 'en':
      if (exact) return formatDuration(minutes, locale);
      if (days < 1) return `over ${hours} hours`;
      return days === 1 ? 'over a day' : `over ${days} days`;
    case 'ja':
      // "発生から40分が経ちました": a point reached, not a span, so no 間.
      if (exact) return formatDuration(minutes, locale).replace(/分間$/, '分');
      return days < 2 ? `${hours}時間以上` : `${days}日以上`;
    default:
      return formatDuration(minutes, locale);
  }
}

/**
 * Whether a span reads as one time rather than a range: it lasted under a minute (or ended a
 * moment before it began, two monitors' clocks), so "7시 55분부터 7시 55분까지" never happens.
 * The one rule for tweets (compose.ts) and the console and status page (reader-time.ts).
 */
export function readsAsOneTime(start: DateTime, end: DateTime): boolean {
  return Math.abs(end.toMillis() - start.toMillis()) < 60_000;
}

/** A span that {@link readsAsOneTime}, inside a list of spans: "오후 2시에 잠시", "14時ごろ", "2:00 PM for a moment". */
function briefly(clock: string, locale: string): string {
  return { ko: `${clock}에 잠시`, ja: `${clock}ごろ` }[languageOf(locale)] ?? `${clock} for a moment`;
}

/**
 * The spans an outage was down before it came back, then the start of the last one, worded so
 * the template's "{time}부터 {endTime}까지" / "from {time} to {endTime}" / "{time}から{endTime}まで"
 * reads every span: "오후 2시부터 오후 2시 35분까지, 그리고 오후 2시 45분",
 * "2:00 PM to 2:35 PM and from 2:45 PM", "14時から14時35分まで、14時45分". An earlier span under a
 * minute is one time: "오후 2시에 잠시, 그리고 오후 2시 45분".
 */
export function formatSpansUntil(earlier: ReadonlyArray<{ from: DateTime; to: DateTime }>, lastStart: DateTime, reference: DateTime | undefined, locale: string): string {
  const clock = (dt: DateTime) => formatClockNear(dt, reference, locale);
  const span = (s: { from: DateTime; to: DateTime }, range: (from: string, to: string) => string) =>
    readsAsOneTime(s.from, s.to) ? briefly(clock(s.from), locale) : range(clock(s.from), clock(s.to));
  switch (languageOf(locale)) {
    case 'ko':
      return `${earlier.map((s) => span(s, (a, b) => `${a}부터 ${b}까지`)).join(', ')}, 그리고 ${clock(lastStart)}`;
    case 'ja':
      return `${earlier.map((s) => span(s, (a, b) => `${a}から${b}まで`)).join('、')}、${clock(lastStart)}`;
    default:
      return `${earlier.map((s) => span(s, (a, b) => `${a} to ${b}`)).join(', ')} and from ${clock(lastStart)}`;
  }
}
