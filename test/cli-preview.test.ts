import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { main } from '../src/cli.ts';
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

/** Runs `herald <argv>` in this process with exactly `env`, collecting what it prints. */
async function inProcess(argv: string[], env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (s) => void out.push(s), err: (s) => void err.push(s), env, cwd: process.cwd() });
  return { code, out: out.join(''), err: err.join('') };
}

test('preview reads only its own settings: no webhook or X secrets, no users file', async () => {
  // Each of these would stop the service from starting; none is preview's business.
  const env = { X_APP_KEY: 'half-of-the-credentials', HERALD_USERS_FILE: '/nonexistent/users.yaml', HERALD_APPROVAL: 'sometimes', HERALD_LOCALE: 'en' };
  const { code, out, err } = await inProcess(['preview', '--event', eventFile(EVENT), '--json'], env);
  assert.equal(code, 0, err);
  assert.equal((JSON.parse(out) as unknown[]).length, 3);
});

test('preview refuses a bad setting it reads, naming it as the service would', async () => {
  const { code, err } = await inProcess(['preview', '--event', eventFile(EVENT)], { HERALD_TIMEZONE: 'Mars/Olympus' });
  assert.equal(code, 2);
  assert.match(err, /HERALD_TIMEZONE: not an IANA time zone/);
});

test('lint-messages reads only where the catalog is', async () => {
  const { code, err } = await inProcess(['lint-messages'], { X_APP_KEY: 'half-of-the-credentials', WEBHOOK_HMAC_SECRET: '', HERALD_ROUTES: '/nonexistent/routes.yaml' });
  assert.equal(code, 0, err);
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

test('preview --thread takes a resolve that names only its key, status and time, as the webhook does', async () => {
  const scenario = [EVENT, { key: EVENT.key, status: 'resolved', at: '2025-03-14T17:48:00+09:00' }];
  const { stdout } = await run(process.execPath, [BIN, 'preview', '--thread', eventFile(scenario), '--json'], { env });
  const thread = JSON.parse(stdout) as Array<{ kind: string; text: string; replyTo: number | null }>;
  assert.deepEqual([thread[0]!.kind, thread.at(-1)!.kind], ['open', 'resolved']);
  assert.equal(thread.at(-1)!.replyTo, 0);
  assert.match(thread.at(-1)!.text, /카카오톡/);
});

test('preview --thread refuses an open that names only its key, naming what it lacks', async () => {
  const bare = [{ key: EVENT.key, status: 'open', at: EVENT.at }];
  await assert.rejects(run(process.execPath, [BIN, 'preview', '--thread', eventFile(bare)], { env }), (e: { code?: number; stderr?: string }) => e.code === 1 && /0\.service/.test(e.stderr ?? ''));
});

/** The webhook body of the README's first `curl` line, as a newcomer would copy it. */
function readmeWebhookBody(): unknown {
  const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
  const body = /-d '(\{[^']*\})'[\s\\]*http:\/\/[^\s]*\/webhooks\/generic/.exec(readme)?.[1];
  assert.ok(body, 'the README shows a webhook body sent with curl');
  return JSON.parse(body);
}

test('preview --event accepts the README\'s webhook body: impacts instead of feature, no at', async () => {
  const { stdout } = await run(process.execPath, [BIN, 'preview', '--event', eventFile(readmeWebhookBody()), '--json', '--locale', 'en'], { env });
  const [open] = JSON.parse(stdout) as Array<{ kind: string; text: string }>;
  assert.equal(open!.kind, 'open');
  assert.match(open!.text, /KakaoTalk/);
});
