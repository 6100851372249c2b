import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { weightedLength } from '../src/compose/tweet-length.ts';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../bin/herald.js', import.meta.url));
const EVENT = { key: 'msg-2025-03-14', status: 'open', service: '카카오톡', feature: 'messaging', severity: 'major', at: '2025-03-14T16:54:00+09:00' };

function eventFile(body: unknown): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'herald-preview-')), 'event.json');
  writeFileSync(file, JSON.stringify(body));
  return file;
}

// The caller's environment must not change what is printed.
const env: NodeJS.ProcessEnv = { ...process.env, HERALD_LOCALE: 'ko', HERALD_TIMEZONE: 'Asia/Seoul' };
delete env.HERALD_STATUS_URL;
delete env.HERALD_MESSAGES_DIR;

test('preview --json prints the open, update and resolved tweets with their weighted lengths', async () => {
  const { stdout } = await run(process.execPath, [BIN, 'preview', '--event', eventFile(EVENT), '--json'], { env });
  const thread = JSON.parse(stdout) as Array<{ kind: string; text: string; weightedLength: number }>;
  assert.deepEqual(thread.map((t) => t.kind), ['open', 'update', 'resolved']);
  for (const tweet of thread) {
    assert.deepEqual(Object.keys(tweet), ['kind', 'text', 'weightedLength']);
    assert.equal(tweet.weightedLength, weightedLength(tweet.text));
    assert.ok(tweet.weightedLength <= 280);
    assert.ok(tweet.text.includes('카카오톡'));
  }
});

test('preview --locale overrides HERALD_LOCALE', async () => {
  const { stdout } = await run(process.execPath, [BIN, 'preview', '--event', eventFile(EVENT), '--json', '--locale', 'ja'], { env });
  const [open] = JSON.parse(stdout) as Array<{ text: string }>;
  assert.match(open!.text, /16時54分/);
});

test('preview of an event that is not a generic webhook body exits 1 naming the field', async () => {
  const bad = { ...EVENT, feature: 'video' };
  await assert.rejects(run(process.execPath, [BIN, 'preview', '--event', eventFile(bad), '--json'], { env }), (e: { code?: number; stderr?: string }) => e.code === 1 && /feature/.test(e.stderr ?? ''));
});

const SCENARIO = fileURLToPath(new URL('./fixtures/scenarios/five-hours.json', import.meta.url));

test('preview --thread --json prints every tweet with its phase and the tweet it answers', async () => {
  const { stdout } = await run(process.execPath, [BIN, 'preview', '--thread', SCENARIO, '--json'], { env: { ...env, HERALD_FOLLOWUP_MINUTES: '30' } });
  const thread = JSON.parse(stdout) as Array<{ kind: string; phase: string; text: string; weightedLength: number; replyTo: number | null }>;
  assert.deepEqual(Object.keys(thread[0]!), ['kind', 'phase', 'text', 'weightedLength', 'replyTo']);
  assert.equal(thread[0]!.replyTo, null);
  assert.ok(thread.slice(1).every((t) => t.replyTo === 0));
  assert.ok(thread.filter((t) => t.kind === 'update').length > 5, 'follow-ups every 30 minutes over five hours');
  assert.ok(thread.every((t) => t.weightedLength === weightedLength(t.text) && t.weightedLength <= 280));
});

test('preview --thread follows HERALD_FOLLOWUP_MINUTES', async () => {
  const count = async (minutes: string) => (JSON.parse((await run(process.execPath, [BIN, 'preview', '--thread', SCENARIO, '--json'], { env: { ...env, HERALD_FOLLOWUP_MINUTES: minutes } })).stdout) as unknown[]).length;
  assert.ok((await count('60')) < (await count('30')));
});

test('preview --thread of events that are not webhook bodies exits 1 naming the event and field', async () => {
  const bad = [{ ...EVENT, scope: 'everyone' }];
  await assert.rejects(run(process.execPath, [BIN, 'preview', '--thread', eventFile(bad)], { env }), (e: { code?: number; stderr?: string }) => e.code === 1 && /0\.scope/.test(e.stderr ?? ''));
});
