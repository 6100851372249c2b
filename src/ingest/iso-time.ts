import { DateTime } from 'luxon';

/**
 * Normalizes an ISO-8601 time that carries an offset (`2026-05-20T00:00:00+09:00`) to the form
 * luxon's `toISO()` gives (`2026-05-20T00:00:00.000+09:00`), keeping the sender's offset; undefined
 * when it is not such a time. The common shape is handled here directly, since luxon's parser was
 * the largest cost of herald's own code on the webhook path (docs/benchmarks.md); every other shape
 * ISO-8601 allows goes to luxon, so what is accepted and what comes out do not change.
 */
export function normalizeIsoTime(text: string): string | undefined {
  return fastPath(text) ?? viaLuxon(text);
}

const COMMON = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,3}))?(Z|[+-](\d\d):(\d\d))$/;
const OFFSET_AT_END = /([+-]\d\d:?\d\d|Z)$/;

function fastPath(text: string): string | undefined {
  const m = COMMON.exec(text);
  if (!m) return undefined;
  const [, year, month, day, hour, minute, second, fraction, offset, offsetHours, offsetMinutes] = m;
  const y = Number(year);
  const mo = Number(month);
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  const inRange =
    mo >= 1 && mo <= 12 && Number(day) >= 1 && Number(day) <= daysInMonth &&
    Number(hour) <= 23 && Number(minute) <= 59 && Number(second) <= 59 &&
    // luxon writes a zero offset as Z and has its own rules for the edges: let it decide those.
    (offset === 'Z' || (Number(offsetHours) <= 23 && Number(offsetMinutes) <= 59 && !/^[+-]00:00$/.test(offset!)));
  // Years before 100 are odd in Date.UTC; luxon handles them.
  if (!inRange || y < 100) return undefined;
  return `${year}-${month}-${day}T${hour}:${minute}:${second}.${(fraction ?? '').padEnd(3, '0')}${offset}`;
}

function viaLuxon(text: string): string | undefined {
  if (!OFFSET_AT_END.test(text)) return undefined;
  const parsed = DateTime.fromISO(text, { setZone: true });
  return parsed.isValid ? parsed.toISO()! : undefined;
}
