import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DateTime } from 'luxon';
import { normalizeIsoTime } from '../src/incidents/event.ts';

/** What herald did before the fast path: luxon alone, with the offset required. */
function luxonOnly(text: string): string | undefined {
  if (!/([+-]\d\d:?\d\d|Z)$/.test(text)) return undefined;
  const parsed = DateTime.fromISO(text, { setZone: true });
  return parsed.isValid ? parsed.toISO()! : undefined;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

describe('normalizing the time a monitoring event carries', () => {
  it('gives exactly what luxon gives, for the common shape and its edge cases', () => {
    const samples = [
      '2026-05-20T00:00:00+09:00', '2026-05-20T00:00:00Z', '2026-05-20T23:59:59.5-03:30', '2026-05-20T12:00:00.123456Z',
      '2026-05-20T00:00:00+00:00', '2026-05-20T00:00:00-00:00', '2026-05-20T24:00:00Z', '2026-05-20T00:00:60Z',
      '2024-02-29T00:00:00Z', '2026-02-29T00:00:00Z', '2026-04-31T00:00:00+01:00', '2026-13-01T00:00:00Z',
      '0005-01-01T00:00:00+14:00', '2026-05-20T00:00:00+23:59', '2026-05-20T00:00:00+24:00', '2026-05-20T00:00+09:00',
      '2026-05-20T00:00:00+0900', '2026-05-20T00:00:00+09', '2026-05-20t00:00:00z', '2026-05-20 00:00:00Z',
      '2026-05-20T00:00:00', '2026-W21-3T00:00:00Z', '20260520T000000+0900', 'yesterday', '',
    ];
    // And a spread of valid and out-of-range fields in the common shape.
    for (let i = 0; i < 2000; i++) {
      const r = (max: number) => Math.floor(Math.random() * max);
      const offset = r(5) === 0 ? 'Z' : `${r(2) ? '+' : '-'}${pad(r(26))}:${pad(r(62))}`;
      const fraction = r(2) ? `.${pad(r(1000), 1 + r(3))}` : '';
      samples.push(`${pad(1900 + r(300), 4)}-${pad(r(14))}-${pad(r(33))}T${pad(r(26))}:${pad(r(62))}:${pad(r(62))}${fraction}${offset}`);
    }
    for (const text of samples) assert.equal(normalizeIsoTime(text), luxonOnly(text), text);
  });

  it('refuses a time without an offset', () => {
    assert.equal(normalizeIsoTime('2026-05-20T00:00:00'), undefined);
  });

  it('refuses a date that does not exist', () => {
    assert.equal(normalizeIsoTime('2026-02-29T00:00:00+09:00'), undefined);
  });
});
