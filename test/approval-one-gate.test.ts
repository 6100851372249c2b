/**
 * Approval is one gate (issue 25): under HERALD_APPROVAL=required every way herald schedules a
 * post leaves a draft for a person, and nothing reaches X that nobody approved. The first test
 * lists the places in src/ that queue a delivery, so a new way to schedule a post cannot appear
 * without a case here.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { main } from '../src/cli.ts';
import { API_TOKEN, apiCall, ConsoleClient, consoleEnv, PEOPLE, quiet } from './helpers/console.ts';
import { event, startTestHerald, type TestHerald } from './helpers/herald.ts';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

/** Every file that queues a delivery job, and the case below that shows its posts wait for a person. */
const SCHEDULERS: Record<string, string> = {
  'incidents/adapters/apply.ts': 'events from monitoring (the incident worker), and what people do by hand (approval/service.ts runs through it)',
  'incidents/adapters/facts-api.ts': 'a change of facts from the API, the CLI and the console, and a public note set from any of them',
  'incidents/adapters/thread-api.ts': 'attaching a live thread',
  'incidents/adapters/follow-ups.ts': 'follow-ups',
  'maintenance/adapters/service.ts': 'maintenance notices',
  'maintenance/adapters/overrun.ts': 'an overrun window (held like every event: quietHold(…, hold) in app/)',
  'approval/service.ts': 'announcements written by hand',
  // Not new posts: a person's approval itself, and the sweep that re-queues what the record already holds.
  'approval/kick.ts': 'the approval',
  'publish/sweep.ts': 're-queues posts already planned',
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? filesUnder(path.join(dir, d.name)) : d.name.endsWith('.ts') ? [path.join(dir, d.name)] : []));
}

describe('every post herald schedules waits for a person under HERALD_APPROVAL=required', () => {
  let t: TestHerald;
  before(async () => {
    t = await startTestHerald(await consoleEnv({ HERALD_GRACE_SECONDS: '0' }));
  });
  after(async () => t?.close());

  const incident = async (key: string) => (await apiCall(t.url, 'GET', `/api/incidents/${key}`)).body;
  const drafts = async (key: string): Promise<string[]> => ((await apiCall(t.url, 'GET', '/api/drafts')).body as { id: string }[]).map((d) => d.id).filter((id) => id.startsWith(`${key}~`));

  /** An outage whose announcement a person approved and X shows: later posts reply under it. */
  async function announced(name: string): Promise<string> {
    // A service of its own each, so X's duplicate rule never meets two alike.
    const e = event({ key: `gate-${name}`, service: `Gate ${name.replace(/[^a-z]/g, ' ')}`, at: new Date().toISOString().replace('Z', '+00:00') });
    assert.equal((await t.send(e)).status, 202);
    await t.waitFor(async () => (await drafts(e.key)).length === 1, `the announcement of ${name} waits`);
    assert.equal((await apiCall(t.url, 'POST', `/api/drafts/${e.key}~open-1/approve`)).status, 200);
    await t.waitFor(async () => (await incident(e.key)).tweets?.length === 1, `the announcement of ${name} is out`);
    return e.key;
  }

  it('knows every place that queues a delivery', () => {
    const found = filesUnder(SRC)
      .filter((file) => /\bscheduleDelivery\(/.test(readFileSync(file, 'utf8')) && !file.endsWith(`${path.sep}queues.ts`))
      .map((file) => path.relative(SRC, file).split(path.sep).join('/'))
      .sort();
    assert.deepEqual(found, Object.keys(SCHEDULERS).sort());
  });

  it('events: an open, an update and a resolution from monitoring each wait', async () => {
    const e = event({ key: 'gate-events' });
    await t.send(e);
    await t.waitFor(async () => (await drafts(e.key)).includes(`${e.key}~open-1`), 'the open draft');
    const key = await announced('events-2');
    await t.send(event({ key, status: 'update', phase: 'identified' }));
    await t.waitFor(async () => (await drafts(key)).includes(`${key}~update-1`), 'the update draft');
    await t.send(event({ key, status: 'resolved' }));
    await t.waitFor(async () => (await drafts(key)).includes(`${key}~resolved-1`), 'the resolution draft');
  });

  it('a change of facts through the API waits', async () => {
    const key = await announced('facts-api');
    const res = await apiCall(t.url, 'PATCH', `/api/incidents/${key}`, { phase: 'identified' });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.scheduled, ['update-1']);
    assert.deepEqual(await drafts(key), [`${key}~update-1`]);
  });

  it('a change of facts through the CLI waits', async () => {
    const key = await announced('facts-cli');
    let out = '';
    const io = { out: (s: string) => void (out += s), err: (s: string) => void (out += s), env: { HERALD_API_TOKEN: API_TOKEN, HERALD_URL: t.url }, cwd: process.cwd() };
    assert.equal(await main(['incident', 'set', key, '--phase', 'monitoring'], io), 0, out);
    assert.deepEqual(await drafts(key), [`${key}~update-1`]);
  });

  it('a change of facts through the console’s form waits', async () => {
    const key = await announced('facts-console');
    const browser = new ConsoleClient(t.url);
    await browser.signIn(PEOPLE.approver.name, PEOPLE.approver.password);
    await browser.get(`/console/incidents/${key}`);
    assert.equal((await browser.postForm(`/console/incidents/${key}/facts`, { phase: 'identified' })).status, 303);
    assert.deepEqual(await drafts(key), [`${key}~update-1`]);
  });

  it('a public note set through the API waits, and so does one set through the CLI', async () => {
    const key = await announced('note-api');
    const res = await apiCall(t.url, 'PATCH', `/api/incidents/${key}`, { publicNote: 'A storage fault in the login servers' });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.scheduled, ['update-1']);
    assert.deepEqual(await drafts(key), [`${key}~update-1`]);
    const viaCli = await announced('note-cli');
    let out = '';
    const io = { out: (s: string) => void (out += s), err: (s: string) => void (out += s), env: { HERALD_API_TOKEN: API_TOKEN, HERALD_URL: t.url }, cwd: process.cwd() };
    assert.equal(await main(['incident', 'set', viaCli, '--note', 'A storage fault in the login servers'], io), 0, out);
    assert.deepEqual(await drafts(viaCli), [`${viaCli}~update-1`]);
  });

  it('attaching a live thread waits before saying it is resolved', async () => {
    const key = 'gate-thread';
    await t.send(event({ key }));
    await t.waitFor(async () => (await drafts(key)).length === 1, 'the open draft');
    await t.send(event({ key, status: 'resolved' }));
    await t.waitFor(async () => (await drafts(key)).includes(`${key}~resolved-1`), 'the resolution asks whether to post at all');
    assert.equal((await apiCall(t.url, 'POST', `/api/drafts/${key}~resolved-1/reject`, { reason: 'say nothing yet' })).status, 200);
    assert.equal((await apiCall(t.url, 'POST', `/api/incidents/${key}/thread`, { tweetId: '1790000000000000001' })).status, 200);
    assert.deepEqual(await drafts(key), [`${key}~resolved-2`]);
  });

  it('a maintenance window’s notices wait, and its "done" is due at the window’s end', async () => {
    const startsAt = new Date(Date.now() + 3_600_000).toISOString();
    const endsAt = new Date(Date.now() + 7_200_000).toISOString();
    const made = await apiCall(t.url, 'POST', '/api/maintenance', { service: 'Talk Gate', feature: 'messaging', startsAt, endsAt, announceAhead: [] });
    assert.equal(made.status, 201, made.text);
    const key = made.body.key as string;
    const waiting = await drafts(key);
    assert.equal(waiting.length, 2, JSON.stringify(waiting));
    const done = (await apiCall(t.url, 'GET', `/api/drafts/${waiting.find((id) => id.includes('done'))}`)).body;
    assert.equal(Date.parse(done.deadline), Date.parse(endsAt));
    assert.equal(done.onTimeout, 'post');
  });

  it('an incident, an update and an announcement written by hand wait', async () => {
    assert.equal((await apiCall(t.url, 'POST', '/api/incidents', { service: 'KakaoTalk', feature: 'login', severity: 'major', key: 'gate-by-hand' })).status, 201);
    assert.deepEqual(await drafts('gate-by-hand'), ['gate-by-hand~open-1']);
    const key = await announced('by-hand-update');
    assert.equal((await apiCall(t.url, 'POST', `/api/incidents/${key}/updates`, {})).status, 201);
    assert.deepEqual(await drafts(key), [`${key}~update-1`]);
    const note = await apiCall(t.url, 'POST', '/api/announcements', { service: 'KakaoTalk', text: 'KakaoTalk gets a new look next week.' });
    assert.equal(note.status, 201);
  });

  it('and X saw only what a person approved', async () => {
    await quiet(t);
    const approved = ['events-2', 'facts-api', 'facts-cli', 'facts-console', 'note-api', 'note-cli', 'by-hand-update'].length;
    assert.equal(t.fakeX.posts.length, approved, t.fakeX.posts.map((p) => p.text).join('\n'));
  });
});

describe('follow-ups wait under HERALD_APPROVAL=required', () => {
  let t: TestHerald;
  before(async () => {
    t = await startTestHerald(await consoleEnv({ HERALD_GRACE_SECONDS: '0', HERALD_FOLLOWUP_MINUTES: '0.05' }));
  });
  after(async () => t?.close());

  it('a follow-up after the announcement is a draft', async () => {
    const e = event({ at: new Date().toISOString().replace('Z', '+00:00') });
    await t.send(e);
    await t.waitFor(async () => (await apiCall(t.url, 'GET', `/api/drafts/${e.key}~open-1`)).status === 200, 'the open draft');
    await apiCall(t.url, 'POST', `/api/drafts/${e.key}~open-1/approve`);
    const followUp = await t.waitFor(async () => {
      const r = await apiCall(t.url, 'GET', `/api/drafts/${e.key}~update-1`);
      return r.status === 200 && r.body;
    }, 'the follow-up', 20_000);
    assert.equal(followUp.status, 'draft');
    assert.equal(t.fakeX.posts.length, 1);
  });
});
