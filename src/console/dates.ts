import { DateTime } from 'luxon';

/**
 * Dates and times as a person reads them, in their language and time zone (luxon over Intl):
 * "2026년 5월 20일 오전 12:10:00 GMT+9", "May 20, 2026, 12:10:00 AM GMT+9".
 */
export function formatWhen(iso: string | undefined, locale: string, zone: string): string {
  if (!iso) return '';
  return DateTime.fromISO(iso).setZone(zone).setLocale(locale).toLocaleString({ ...DateTime.DATETIME_MED_WITH_SECONDS, timeZoneName: 'short' });
}

/** "in 9 minutes", "3분 전", "9分後": for deadlines a person must act before. */
export function formatRelative(iso: string, now: Date, locale: string): string {
  return DateTime.fromISO(iso).setLocale(locale).toRelative({ base: DateTime.fromJSDate(now), locale }) ?? '';
}
