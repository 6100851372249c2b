import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { event, startTestHerald, type TestHerald } from './helpers/herald.ts';

describe('bad impacts, scope, phase and data safety are refused with 400 and nothing enqueued', () => {
  let t: TestHerald;
  before(async () => {
    t = await startTestHerald();
  });
  after(async () => t.close());

  async function refusedNaming(field: RegExp, body: Record<string, unknown>) {
    const queued = await t.queuedEvents();
    const res = await t.send(event(body));
    assert.equal(res.status, 400);
    assert.match(res.body.details.join('\n'), field);
    assert.equal(await t.queuedEvents(), queued, 'nothing was enqueued');
  }

  it('refuses an unknown platform naming impacts', () => refusedNaming(/^impacts\.0\.platforms\.0:/m, { impacts: [{ feature: 'login', platforms: ['toaster'] }] }));
  it('refuses an unknown feature inside impacts', () => refusedNaming(/^impacts\.0\.feature:/m, { impacts: [{ feature: 'video' }] }));
  it('refuses an empty impacts list', () => refusedNaming(/^impacts:/m, { impacts: [] }));
  it('refuses an unknown scope', () => refusedNaming(/^scope:/m, { scope: 'everyone' }));
  it('refuses an unknown phase', () => refusedNaming(/^phase:/m, { phase: 'resolved' }));
  it('refuses an unknown data safety', () => refusedNaming(/^dataSafety:/m, { dataSafety: 'fine' }));

  it('accepts impacts with platforms, scope and phase', async () => {
    const res = await t.send(event({ feature: undefined, impacts: [{ feature: 'notifications', platforms: ['ios'] }], scope: 'partial', phase: 'investigating' }));
    assert.equal(res.status, 202);
  });
});
