/**
 * One monitoring source does not speak for another's alerts (issue 25): a generic resolve for an
 * incident Alertmanager still has firing is recorded and said in the journal, not posted.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AlertEvent } from '../src/incidents/model.ts';
import { foldBatches } from './helpers/incidents.ts';

const rules = { graceMs: 0, reopenWindowMs: 3_600_000 };
const T0 = Date.parse('2026-05-20T00:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const ev = (status: AlertEvent['status'], s: number, extra: Partial<AlertEvent> = {}): AlertEvent => ({
  key: 'linepay-payments', status, service: 'LinePay', feature: 'other', severity: 'major', at: at(s), source: 'alertmanager', receivedAt: at(s), ...extra,
});

const fold = (batches: AlertEvent[][]) => foldBatches(batches, rules);

describe('a source resolves only what it sent', () => {
  const firing = ev('open', 0, { alertId: 'alertmanager:fp1' });

  it('a generic resolve while Alertmanager’s alert fires resolves nothing and posts nothing, and says so', () => {
    const { incident, scheduled } = fold([[firing], [ev('resolved', 60, { source: 'generic', dataSafety: 'possible' })]]);
    assert.equal(incident.state, 'open');
    assert.deepEqual(scheduled, ['open-1']);
    assert.notEqual(incident.dataSafety, 'possible');
    const entry = incident.audit?.find((a) => a.action === 'resolve not applied');
    assert.match(entry?.reason ?? '', /generic said it is resolved while 1 alert of another source still fires/);
  });

  it('resolves once the firing alert itself resolves', () => {
    const { incident, scheduled } = fold([[firing], [ev('resolved', 60, { source: 'generic' })], [ev('resolved', 120, { alertId: 'alertmanager:fp1' })]]);
    assert.equal(incident.state, 'resolved');
    assert.deepEqual(scheduled, ['open-1', 'resolved-1']);
  });

  it('a person may still resolve it by hand', () => {
    const { incident } = fold([[firing], [ev('resolved', 60, { source: 'console' })]]);
    assert.equal(incident.state, 'resolved');
  });
});
