import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../src/cli.ts';
import { ConfigError, loadConfig, unpinnedServices } from '../src/config.ts';
import { apiCall } from './helpers/console.ts';
import { HttpReceiver } from './helpers/staff-receivers.ts';
import { event, settled, startTestHerald, type TestHerald } from './helpers/herald.ts';
import { amAlert, amNotification, deliver, SECRETS } from './helpers/monitoring.ts';

/**
 * Without a routes file, label words go straight into tweets (issue 25: "Kakao Talk is shutting
 * down forever", a Cyrillic look-alike). HERALD_SERVICES and the catalog's `services:` pin the
 * names: anything else is kept from the public, counted and listed for staff.
 */

async function cli(argv: string[], env: Record<string, string>, cwd: string) {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => void (out += t), err: (t) => void (err += t), env, cwd });
  return { code, out, err };
}

const LIVE_X = { X_APP_KEY: 'k', X_APP_SECRET: 's', X_ACCESS_TOKEN: 't', X_ACCESS_SECRET: 'a' };
const LOOK_ALIKE = 'KаkaoTalk'; // a Cyrillic а

describe('service names pinned by HERALD_SERVICES', () => {
  let t: TestHerald;
  let hook: HttpReceiver;

  before(async () => {
    hook = await new HttpReceiver().start('/hooks/herald');
    t = await startTestHerald({
      HERALD_SERVICES: 'KakaoTalk, LinePay',
      ALERTMANAGER_TOKEN: SECRETS.ALERTMANAGER_TOKEN,
      HERALD_STAFF_WEBHOOK_URL: hook.url,
      HERALD_STAFF_DIGEST_SECONDS: '1',
    });
  });
  after(async () => {
    await t?.close();
    await hook?.close();
  });

  it('keeps alerts naming another service from the public, counts and lists them', async () => {
    const labels = (service: string) => ({ labels: { public: 'true', service, feature: 'messaging', severity: 'critical' } });
    const answer = await deliver(
      t,
      'alertmanager',
      amNotification([amAlert('a1', 'firing', labels('Kakao Talk is shutting down forever')), amAlert('a2', 'firing', labels(LOOK_ALIKE)), amAlert('a3', 'firing', labels('KakaoTalk'))]),
    );
    assert.equal(answer.status, 202, JSON.stringify(answer.body));
    assert.equal(answer.body.unrouted, 2);
    assert.deepEqual(answer.body.incidents, ['kakaotalk-messaging']);
    await settled(t);
    const tweets = t.fakeX.sentTexts.join('\n');
    assert.doesNotMatch(tweets, /shutting down|Kаkao/);
    const unrouted = (await t.get('/api/alerts/unrouted')).body.alerts as { labels: Record<string, string>; reason: string }[];
    const reasons = unrouted.map((u) => `${u.labels.service}: ${u.reason}`);
    assert.ok(reasons.some((r) => r.startsWith('Kakao Talk is shutting down forever: service') && r.includes('HERALD_SERVICES')), reasons.join('\n'));
    assert.ok(reasons.some((r) => r.startsWith(`${LOOK_ALIKE}:`)), reasons.join('\n'));
    const metrics = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${t.config.apiToken}` } }).then((r) => r.text());
    assert.match(metrics, /herald_alerts_unlisted_service_total\{source="alertmanager"\} 2/);
    // Staff hear of them in the window's digest, counted by source.
    const digest = await t.waitFor(async () => hook.received.find((r) => r.json?.event === 'drafts.digest' && r.json.unlisted?.alertmanager), 'the staff digest', 15_000);
    assert.equal(digest.json.unlisted.alertmanager, 2);
  });

  it('keeps a generic event naming another service from the public, with 202', async () => {
    const e = event({ key: `other-${Date.now()}`, service: 'Kakao1 official' });
    const answer = await t.send(e);
    assert.equal(answer.status, 202);
    assert.deepEqual(answer.body, { accepted: 0, incidents: [], unrouted: 1 });
    assert.equal(await t.herald.store.get(e.key), null);
  });

  it('refuses an event added to the queue by hand naming another service, once, and tweets nothing', async () => {
    const forged = { ...event({ key: `queued-${Date.now()}`, service: 'Kakao Bank' }), source: 'generic', receivedAt: new Date().toISOString(), at: new Date().toISOString() };
    const job = await t.herald.queues.events.add('open', forged as never, { jobId: `by-hand-unlisted-${Date.now()}` });
    await t.waitFor(async () => (await job.getState()) === 'failed', 'the forged job to be refused');
    const failed = await t.herald.queues.events.getJob(job.id!);
    assert.match(failed!.failedReason, /HERALD_SERVICES/);
    assert.equal(failed!.attemptsMade, 1);
    assert.equal(await t.herald.store.get(forged.key), null);
  });

  it('still refuses a service name over 60 characters with a 400 that says so', async () => {
    const answer = await t.send(event({ service: 'K'.repeat(61) }));
    assert.equal(answer.status, 400);
    assert.match(JSON.stringify(answer.body), /at most 60 characters/);
  });

  it('refuses a person opening an incident or an announcement for another service, naming the list', async () => {
    const open = await apiCall(t.url, 'POST', '/api/incidents', { service: 'Kakao Bank', feature: 'messaging', severity: 'major' });
    assert.equal(open.status, 400);
    assert.match(JSON.stringify(open.body), /KakaoTalk, LinePay/);
    const note = await apiCall(t.url, 'POST', '/api/announcements', { service: 'Kakao Bank', text: 'Hello' });
    assert.equal(note.status, 400);
    assert.equal((await apiCall(t.url, 'POST', '/api/incidents', { service: 'LinePay', feature: 'messaging', severity: 'major' })).status, 201);
  });
});

describe('service names pinned by the message catalog', () => {
  it("takes the names of any locale's services: as the list", () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'herald-catalog-'));
    cpSync(new URL('../messages/', import.meta.url), dir, { recursive: true });
    appendFileSync(path.join(dir, 'ko.yaml'), '\nservices:\n  KakaoTalk: 카카오톡\n');
    const config = loadConfig({ HERALD_MESSAGES_DIR: dir, HERALD_SERVICES: 'LinePay', ...LIVE_X });
    assert.deepEqual([...config.services!].sort(), ['KakaoTalk', 'LinePay']);
    assert.equal(unpinnedServices(config), false);
  });

  it('is not pinned by default, and then says so only when posting for real', () => {
    assert.equal(loadConfig({}).services, undefined);
    assert.equal(unpinnedServices(loadConfig({})), false, 'a dry run posts nothing');
    assert.equal(unpinnedServices(loadConfig(LIVE_X)), true);
  });

  it('refuses a HERALD_SERVICES name no tweet could carry, naming it', () => {
    assert.throws(() => loadConfig({ HERALD_SERVICES: 'KakaoTalk, @elonmusk' }), (err: unknown) => err instanceof ConfigError && /HERALD_SERVICES: "@elonmusk"/.test(err.message));
  });
});

describe('herald check-config and pinned service names', () => {
  it('warns in live mode when nothing pins the names, and lists them when something does', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'herald-check-'));
    const open = await cli(['check-config'], LIVE_X, dir);
    assert.equal(open.code, 0, open.err);
    assert.match(open.out, /warning: service names are not pinned .*whoever can send a webhook chooses the words/);
    const pinned = await cli(['check-config'], { ...LIVE_X, HERALD_SERVICES: 'KakaoTalk,LinePay' }, dir);
    assert.match(pinned.out, /service names pinned: KakaoTalk, LinePay/);
    assert.doesNotMatch(pinned.out, /warning/);
    const bad = await cli(['check-config'], { HERALD_SERVICES: 'Kakao.com' }, dir);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /HERALD_SERVICES: "Kakao.com"/);
  });
});
