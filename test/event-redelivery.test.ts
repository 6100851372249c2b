import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DateTime } from 'luxon';
import { pino } from 'pino';
import { applyAndSchedule } from '../src/incidents/adapters/apply.ts';
import type { AlertEvent } from '../src/incidents/model.ts';
import { event, settled, startTestHerald, type TestHerald } from './helpers/herald.ts';

describe('an event job that BullMQ runs again after its worker died', () => {
  let t: TestHerald;
  before(async () => {
    t = await startTestHerald();
  });
  after(async () => t.close());

  it('does not apply the event twice: an old open does not reopen a resolved incident', async () => {
    const e = event({ at: '2026-05-20T00:00:00+09:00' });
    await t.send(e);
    await t.send({ ...e, status: 'resolved', at: '2026-05-20T00:30:00+09:00' });
    await t.fakeX.waitForPosts(2);
    await settled(t);

    // The open's job again, as the stalled-job check would run it.
    const at = DateTime.fromISO(e.at as string, { setZone: true }).toISO()!; // as the generic source normalizes it
    const open: AlertEvent = { ...(e as Omit<AlertEvent, 'source' | 'receivedAt'>), at, status: 'open', source: 'generic', receivedAt: new Date().toISOString() };
    const deps = { store: t.herald.store, queues: t.herald.queues, rules: { graceMs: 0, reopenWindowMs: 3_600_000 }, logger: pino({ level: 'silent' }) };
    const applied = await applyAndSchedule(deps, open.key, [open]);

    assert.equal(applied?.changed, false);
    const incident = (await t.get(`/api/incidents/${e.key}`)).body;
    assert.equal(incident.state, 'resolved');
    assert.deepEqual(incident.posts.map((p: { id: string }) => p.id), ['open-1', 'resolved-1']);
  });
});
