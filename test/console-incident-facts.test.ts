import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConsoleClient, consoleEnv, PEOPLE } from './helpers/console.ts';
import { event, settled, startTestHerald, type TestHerald } from './helpers/herald.ts';

describe('the incident page in the console', () => {
  let t: TestHerald;
  let key: string;
  const approver = () => new ConsoleClient(t.url);

  before(async () => {
    t = await startTestHerald(await consoleEnv({ HERALD_GRACE_SECONDS: '0', HERALD_APPROVAL: 'auto' }));
    const e = event({ at: new Date().toISOString().replace('Z', '+00:00') });
    key = e.key;
    await t.send(e);
    await t.waitFor(async () => ((await t.get(`/api/incidents/${key}`)).body?.tweets?.length === 1 ? true : undefined), 'the announcement');
  });
  after(async () => t.close());

  it('shows what followers read: the thread, the next follow-up and the resolution', async () => {
    const c = approver();
    await c.signIn(PEOPLE.viewer.name, PEOPLE.viewer.password);
    const page = await c.get(`/console/incidents/${key}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /What followers read/);
    assert.match(page.text, /next follow-up/);
    assert.match(page.text, /if resolved now/);
    assert.doesNotMatch(page.text, /What followers are told/, 'a viewer cannot change the facts');
  });

  it('an approver sets the phase, which the audit records and a follow-up says', async () => {
    const c = approver();
    await c.signIn(PEOPLE.approver.name, PEOPLE.approver.password);
    await c.get(`/console/incidents/${key}`);
    const saved = await c.postForm(`/console/incidents/${key}/facts`, { phase: 'identified', scope: 'total', impacts: 'messaging, login:pc', dataSafety: '' });
    assert.equal(saved.status, 303);
    const api = await t.waitFor(async () => {
      const r = await t.get(`/api/incidents/${key}`);
      return r.body?.tweets?.length === 2 ? r : undefined;
    }, 'the follow-up');
    assert.equal(api.body.phase, 'identified');
    assert.deepEqual(api.body.impacts, [{ feature: 'messaging' }, { feature: 'login', platforms: ['pc'] }]);
    assert.match(api.body.tweets[1].text, /cause/i);
    const journal = await t.get(`/api/incidents/${key}/journal.json`);
    assert.match(JSON.stringify(journal.body), new RegExp(`facts-changed.*phase identified.*"by":"${PEOPLE.approver.name}"`));
    await settled(t);
  });
});
