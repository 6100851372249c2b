import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { DEFAULT_MESSAGES_DIR } from '../src/compose/catalog.ts';
import { UNCOMPOSABLE_QUESTION } from '../src/incidents/uncomposable.ts';
import { apiCall, consoleEnv } from './helpers/console.ts';
import { event, startTestHerald, type TestHerald } from './helpers/herald.ts';
import { sampleValue, scrape } from './helpers/prometheus.ts';
import { HttpReceiver } from './helpers/staff-receivers.ts';

/**
 * A catalog changed without lint-messages can leave an outage with no text that fits. herald must
 * not drop the post: it waits as a draft for a person, staff are told, a metric counts it and the
 * log (error level) names the combination. A real herald, real Redis, the fake X over HTTP.
 */
function catalogWithOversizedOpen(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'herald-uncomposable-'));
  cpSync(DEFAULT_MESSAGES_DIR, dir, { recursive: true });
  const file = path.join(dir, 'ko.yaml');
  const text = readFileSync(file, 'utf8');
  const [head, rest] = [text.slice(0, text.indexOf('\nopen:\n')), text.slice(text.indexOf('\nopen:\n'))];
  const end = rest.indexOf('\n\n', 1);
  // Every open variant runs 300 Hangul over X's limit, whatever the outage.
  const open = rest.slice(0, end).replace(/"\n/g, ` ${'정말 '.repeat(100)}"\n`);
  writeFileSync(file, head + open + rest.slice(end));
  return dir;
}

describe('a post no text fits is held for a person, never dropped', () => {
  let t: TestHerald;
  let hook: HttpReceiver;
  const logs: string[] = [];

  before(async () => {
    hook = await new HttpReceiver().start('/hooks/herald');
    const sink = new Writable({ write: (chunk, _enc, done) => (logs.push(chunk.toString()), done()) });
    t = await startTestHerald(await consoleEnv({ HERALD_APPROVAL: 'auto', HERALD_LOCALE: 'ko', HERALD_MESSAGES_DIR: catalogWithOversizedOpen(), HERALD_CONSOLE_URL: 'https://herald.example.test', HERALD_STAFF_WEBHOOK_URL: hook.url }), {
      logger: pino({ level: 'info' }, sink),
    });
  });
  after(async () => {
    await t?.close();
    await hook?.close();
  });

  it('becomes a draft staff are told about, counted and logged with its combination; a person can post it', async () => {
    const before = sampleValue(await scrape(t.url), 'herald_posts_total', { outcome: 'uncomposable' }) ?? 0;
    const e = event({ key: 'no-text-fits', impacts: [{ feature: 'messaging' }, { feature: 'login', platforms: ['pc'] }], scope: 'total', severity: 'critical' });
    assert.equal((await t.send(e)).status, 202);
    const id = `${e.key}~open-1`;

    const draft = await t.waitFor(async () => {
      const res = await apiCall(t.url, 'GET', `/api/drafts/${encodeURIComponent(id)}`);
      return res.status === 200 ? res.body : undefined;
    }, 'the draft');
    assert.equal(draft.question, UNCOMPOSABLE_QUESTION);
    assert.equal(t.fakeX.posts.length, 0, 'nothing went out');

    await t.waitFor(async () => hook.received.some((r) => r.json?.draft === id), 'the staff notice');
    const samples = await t.waitFor(async () => {
      const now = await scrape(t.url);
      return (sampleValue(now, 'herald_posts_total', { outcome: 'uncomposable' }) ?? 0) > before ? now : undefined;
    }, 'the metric');
    assert.equal(sampleValue(samples, 'herald_posts_total', { outcome: 'uncomposable' }), before + 1);

    const line = logs.map((l) => JSON.parse(l)).find((l) => /no postable text/.test(l.msg));
    assert.ok(line, 'logged');
    assert.equal(line.level, 50, 'at error level');
    assert.equal(line.situation, 'open');
    assert.deepEqual(line.combination, { account: 'x', kind: 'open', impacts: ['messaging', 'login:pc'], scope: 'total', phase: 'investigating', dataSafety: 'unknown', severity: 'critical', serviceLength: 9 });

    const written = '카카오톡 메시지가 늦게 전송되고, PC 버전 로그인이 안 되고 있어요. 휴대폰 문제가 아니에요. 앱을 지우지 마세요. 큰 불편을 드려 정말 죄송합니다.';
    const approved = await apiCall(t.url, 'POST', `/api/drafts/${encodeURIComponent(id)}/approve`, { text: written });
    assert.equal(approved.status, 200, approved.text);
    const [posted] = await t.fakeX.waitForPosts(1, 10_000);
    assert.equal(posted!.text, written);
  });
});
