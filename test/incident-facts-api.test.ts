import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { main } from '../src/cli.ts';
import { API_TOKEN, event, settled, startTestHerald, type TestHerald } from './helpers/herald.ts';

describe('PATCH /api/incidents/:key sets what followers are told', () => {
  let t: TestHerald;
  before(async () => {
    t = await startTestHerald({ HERALD_GRACE_SECONDS: '0' });
  });
  after(async () => t.close());

  const patch = async (key: string, body: unknown, token = API_TOKEN) => {
    const res = await fetch(`${t.url}/api/incidents/${encodeURIComponent(key)}`, { method: 'PATCH', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as any };
  };

  async function announced() {
    const e = event({ at: new Date().toISOString().replace('Z', '+00:00') });
    assert.equal((await t.send(e)).status, 202);
    await t.waitFor(async () => ((await t.get(`/api/incidents/${e.key}`)).body?.tweets?.length === 1 ? true : undefined), 'the announcement');
    return e.key as string;
  }

  it('a phase change posts a follow-up that says the cause was found, and the journal records who changed it', async () => {
    const key = await announced();
    const res = await patch(key, { phase: 'identified' });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.changed, ['phase']);
    assert.equal(res.body.phase, 'identified');
    const api = await t.waitFor(async () => {
      const r = await t.get(`/api/incidents/${key}`);
      return r.body?.tweets?.length === 2 ? r : undefined;
    }, 'the follow-up');
    assert.match(api.body.tweets[1].text, /원인/);
    const journal = await t.get(`/api/incidents/${key}/journal.json`);
    assert.match(JSON.stringify(journal.body), /facts-changed/);
    await settled(t);
  });

  it('impacts given replace the incident impacts', async () => {
    const key = await announced();
    const res = await patch(key, { impacts: [{ feature: 'login', platforms: ['pc'] }], scope: 'partial' });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.impacts, [{ feature: 'login', platforms: ['pc'] }]);
    assert.equal(res.body.scope, 'partial');
    await settled(t);
  });

  it('answers 400 naming the field for a bad phase, and changes nothing', async () => {
    const key = await announced();
    const res = await patch(key, { phase: 'done' });
    assert.equal(res.status, 400);
    assert.match(res.body.details.join('\n'), /^phase:/m);
    assert.equal((await t.get(`/api/incidents/${key}`)).body.phase, 'investigating');
  });

  it('answers 401 without the API token and 404 for an unknown incident', async () => {
    assert.equal((await patch('nope', { phase: 'identified' }, 'wrong')).status, 401);
    assert.equal((await patch('nope', { phase: 'identified' })).status, 404);
  });
});

describe('herald incident set', () => {
  let t: TestHerald;
  before(async () => {
    t = await startTestHerald({ HERALD_GRACE_SECONDS: '0' });
  });
  after(async () => t.close());

  it('sets the phase of a running incident through the API', async () => {
    const e = event({ at: new Date().toISOString().replace('Z', '+00:00') });
    await t.send(e);
    await t.waitFor(async () => ((await t.get(`/api/incidents/${e.key}`)).body?.key ? true : undefined), 'the incident');
    let out = '';
    const io = { out: (s: string) => void (out += s), err: (s: string) => void (out += s), env: { HERALD_API_TOKEN: API_TOKEN, HERALD_URL: t.url }, cwd: process.cwd() };
    assert.equal(await main(['incident', 'set', e.key, '--phase', 'monitoring', '--impacts', 'messaging,login:pc'], io), 0, out);
    assert.match(out, /changed impacts, phase/);
    const api = await t.get(`/api/incidents/${e.key}`);
    assert.deepEqual([api.body.phase, api.body.impacts], ['monitoring', [{ feature: 'messaging' }, { feature: 'login', platforms: ['pc'] }]]);
    await settled(t);
  });
});
