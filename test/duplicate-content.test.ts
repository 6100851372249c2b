import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { incidentComposer } from '../src/compose/for-incident.ts';
import type { Incident } from '../src/incidents/model.ts';
import { XPublisher } from '../src/publish/x-publisher.ts';
import { event, startTestHerald, type TestHerald } from './helpers/herald.ts';

describe('a text X refuses as a duplicate', () => {
  let t: TestHerald;
  before(async () => {
    t = await startTestHerald();
  });
  after(async () => t.close());

  it('is posted with the next message variant instead', async () => {
    const e = event({ at: '2026-05-20T16:54:00+09:00' });
    // The tweet herald would compose first is already on the account (say, from an earlier outage).
    const incident: Incident = {
      key: e.key,
      service: 'KakaoTalk',
      feature: 'messaging',
      severity: 'major',
      state: 'open',
      openedAt: e.at,
      firstSeenAt: new Date().toISOString(),
      events: 1,
      posts: [],
    };
    const first = incidentComposer(t.config)(incident, { id: 'open-1', kind: 'open', status: 'scheduled', dueAt: e.at, attempts: 0 });
    await new XPublisher(t.config.accounts[0]!.credentials.x!).post({ text: first.text });

    await t.send(e);
    const api = await t.waitFor(async () => {
      const r = await t.get(`/api/incidents/${e.key}`);
      return r.body?.tweets?.length === 1 ? r : undefined;
    }, 'the announcement to be posted');
    assert.notEqual(api.body.tweets[0].text, first.text);
    assert.match(api.body.tweets[0].text, /KakaoTalk/);
    assert.equal(t.fakeX.requests.byStatus['POST /2/tweets 403'], 1, 'X refused exactly one attempt');
    assert.equal(t.fakeX.posts.length, 2, 'the seeded tweet and the new one');
  });
});
