/**
 * Moments and spans as a person reads them on the console, the status page and in staff notices,
 * in the same clock words as the tweets (locale-format.ts: 오전/오후/낮/밤/새벽, 7時50分, 7:50 AM),
 * never Intl's date styles, which on some ICU builds write "AM" and "GMT+9" into Korean.
 * No seconds and no offset; English names the zone ("7:50 AM KST"), since an English reader is the
 * one most likely to sit in another zone than the service. Pure: the reference time comes in.
 */
import { DateTime } from 'luxon';
import { formatClock, formatDay, formatDuration, languageOf, readsAsOneTime } from './locale-format.ts';

/** Whose clock: the language and the IANA zone the reader reads times in. */
export interface ReaderClock {
  locale: string;
  zone: string;
}

/** Abbreviations Intl writes as "GMT+9" in English: the zones herald's audiences mostly live in. */
const ZONE_NAMES: Record<string, string> = { 'Asia/Seoul': 'KST', 'Asia/Tokyo': 'JST', UTC: 'UTC', 'Etc/UTC': 'UTC' };

function zoneName(dt: DateTime): string {
  return ZONE_NAMES[dt.zoneName ?? ''] ?? dt.setLocale('en-US').offsetNameShort ?? dt.toFormat('ZZ');
}

/** The day, with the year in front (ko, ja) or after (en) when it is not `reference`'s year. */
function dayOf(dt: DateTime, reference: DateTime | undefined, locale: string): string {
  const day = formatDay(dt, locale);
  if (!reference || reference.year === dt.year) return day;
  switch (languageOf(locale)) {
    case 'ko':
      return `${dt.year}년 ${day}`;
    case 'ja':
      return `${dt.year}年${day}`;
    default:
      return `${day}, ${dt.year}`;
  }
}

const toZone = (iso: string, reader: ReaderClock): DateTime => DateTime.fromISO(iso, { zone: reader.zone });

/**
 * "오전 7시 50분" on `nowMs`'s day, "12월 6일 밤 11시 5분" on another, "2025년 …" in another year;
 * "7時50分", "12月6日 23時5分"; "7:50 AM KST", "Dec 6, 11:05 PM KST". Without `nowMs` the day is
 * always written (a table of many days). An unreadable time is returned as given.
 */
export function formatMoment(iso: string, reader: ReaderClock, nowMs?: number): string {
  const dt = toZone(iso, reader);
  if (!dt.isValid) return iso;
  const reference = nowMs === undefined ? undefined : DateTime.fromMillis(nowMs, { zone: reader.zone });
  const clock = formatClock(dt, reader.locale);
  const english = languageOf(reader.locale) === 'en';
  const withZone = english ? `${clock} ${zoneName(dt)}` : clock;
  if (reference?.hasSame(dt, 'day')) return withZone;
  return `${dayOf(dt, reference, reader.locale)}${english ? ', ' : ' '}${withZone}`;
}

/**
 * From one moment to another: "오전 7시 50분~8시 10분" shares nothing, so both are written in full
 * ("오전 7시 50분~오전 8시 10분"), the day only where it changes. Two moments under a minute apart
 * read as one time: "7時55分", never "7時55分〜7時55分" (the tweets' rule, locale-format.ts).
 */
export function formatSpan(startIso: string, endIso: string, reader: ReaderClock, nowMs?: number): string {
  const start = formatMoment(startIso, reader, nowMs);
  const startDt = toZone(startIso, reader);
  const endDt = toZone(endIso, reader);
  if (startDt.isValid && endDt.isValid && readsAsOneTime(startDt, endDt)) return start;
  const end = formatMoment(endIso, reader, startDt.isValid ? startDt.toMillis() : nowMs);
  const dash = { ko: '~', ja: '〜' }[languageOf(reader.locale)] ?? ' – ';
  // English names the zone once, at the end: "7:50 AM – 10:10 AM KST".
  const zone = startDt.isValid && languageOf(reader.locale) === 'en' ? ` ${zoneName(startDt)}` : '';
  const startShown = zone && start.endsWith(zone) && end.endsWith(zone) ? start.slice(0, -zone.length) : start;
  return `${startShown}${dash}${end}`;
}

/**
 * How far `iso` is from now, in whole minutes: "21분 후", "3시간 5분 전", "21分後", "in 21 minutes",
 * "2 hours ago"; under a minute "곧"/"방금", "まもなく"/"たった今", "in a moment"/"just now".
 */
export function formatFromNow(iso: string, nowMs: number, locale: string): string {
  const distanceMs = Date.parse(iso) - nowMs;
  if (Number.isNaN(distanceMs)) return '';
  const minutes = Math.round(distanceMs / 60_000);
  const future = distanceMs > 0;
  const language = languageOf(locale);
  if (minutes === 0) return ({ ko: ['방금', '곧'], ja: ['たった今', 'まもなく'] }[language] ?? ['just now', 'in a moment'])[future ? 1 : 0]!;
  // formatDuration says how long something lasted ("28分間"); a distance in time has no 間.
  const span = formatDuration(Math.abs(minutes), locale).replace(/分間$/, '分');
  switch (language) {
    case 'ko':
      return `${span} ${future ? '후' : '전'}`;
    case 'ja':
      return `${span}${future ? '後' : '前'}`;
    default:
      return future ? `in ${span}` : `${span} ago`;
  }
}
