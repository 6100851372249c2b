import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { floodDecision, floodVerdict, gateEvents, openingKeys } from '../src/incidents/flood-rules.ts';
import type { AlertEvent } from '../src/incidents/model.ts';

const ev = (key: string, status: AlertEvent['status'] = 'open'): AlertEvent => ({
  key, status, service: key, feature: 'messaging', severity: 'critical', at: '2026-05-20T00:00:00Z', source: 'alertmanager', receivedAt: '2026-05-20T00:00:00Z',
});

describe('the flood cap (pure rules)', () => {
  it('admits new incidents up to the cap in a minute and holds the rest', () => {
    assert.deepEqual(floodDecision(5, { before: 0, previous: 0 }, 20), { admitted: 5, held: 0, flood: false, firstHold: false });
    assert.deepEqual(floodDecision(5000, { before: 0, previous: 0 }, 20), { admitted: 20, held: 4980, flood: true, firstHold: true });
    assert.deepEqual(floodDecision(10, { before: 15, previous: 0 }, 20), { admitted: 5, held: 5, flood: true, firstHold: true });
    assert.deepEqual(floodDecision(10, { before: 30, previous: 0 }, 20), { admitted: 0, held: 10, flood: true, firstHold: false }, 'only the payload that crosses the cap logs');
  });

  it('counts a flood on while the last minute was over the cap, even under it now', () => {
    assert.deepEqual(floodDecision(3, { before: 0, previous: 500 }, 20), { admitted: 3, held: 0, flood: true, firstHold: false });
  });

  it('takes each key once, and never a resolution, as a new incident', () => {
    assert.deepEqual(openingKeys([ev('a'), ev('b', 'resolved'), ev('a'), ev('c', 'update')]), ['a', 'c']);
  });

  it('keeps every event of a held key from the public and marks those opened in a flood', () => {
    const events = [ev('a'), ev('b'), ev('b', 'resolved'), ev('c')];
    const verdict = floodVerdict(['a', 'b', 'c'], floodDecision(3, { before: 18, previous: 0 }, 20));
    const gated = gateEvents(events, ['1', '2', '3', '4'], verdict);
    assert.deepEqual(gated.events.map((e) => [e.key, e.flood]), [['a', true], ['b', true], ['b', true]]);
    assert.deepEqual(gated.ids, ['1', '2', '3']);
    assert.deepEqual(gated.held.map((e) => e.key), ['c']);
  });
});
