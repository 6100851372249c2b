import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Readable } from 'node:stream';
import { verify } from '@node-rs/argon2';
import { main, type CliIo } from '../src/cli.ts';
import { API_TOKEN, consoleEnv, newDraft } from './helpers/console.ts';
import { startTestHerald, type TestHerald } from './helpers/herald.ts';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../bin/herald.js', import.meta.url));

/** Runs `herald <args>` in this process (real HTTP to the running service), with its own output and environment. */
async function herald(args: string[], options: { env?: Record<string, string>; input?: string } = {}) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    out: (text) => void (stdout += text),
    err: (text) => void (stderr += text),
    env: { ...options.env },
    cwd: process.cwd(),
    stdin: Readable.from(options.input === undefined ? [] : [options.input]),
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

describe('npx herald drafts', () => {
  let t: TestHerald;
  const env = () => ({ HERALD_API_TOKEN: API_TOKEN });

  before(async () => {
    t = await startTestHerald(await consoleEnv());
  });
  after(async () => t.close());

  it('lists the drafts waiting in the running service', async () => {
    const id = await newDraft(t);
    const out = await herald(['drafts', 'list', '--url', t.url], { env: env() });
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, new RegExp(`${id}  announcement  \\d+/280`));
    assert.match(out.stdout, /KakaoTalk/);
  });

  it('approves a draft, which is then posted', async () => {
    const id = await newDraft(t);
    const out = await herald(['drafts', 'approve', id, '--url', t.url], { env: env() });
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /approved/);
    await t.waitFor(async () => t.fakeX.posts.length > 0, 'the tweet');
  });

  it('rejects a draft with a reason, and says why it cannot reject twice', async () => {
    const id = await newDraft(t);
    const first = await herald(['drafts', 'reject', id, '--reason', 'false alarm', '--url', t.url], { env: env() });
    assert.equal(first.code, 0, first.stderr);
    const again = await herald(['drafts', 'reject', id, '--reason', 'false alarm', '--url', t.url], { env: env() });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /herald refused \(409, HERALD_CONFLICT\)[^]*\n {2}> draft open-1 is no longer waiting/);
  });

  it('refuses to run without HERALD_API_TOKEN, and without a reason to reject', async () => {
    assert.equal((await herald(['drafts', 'list', '--url', t.url], { env: { HERALD_API_TOKEN: '' } })).code, 2);
    assert.equal((await herald(['drafts', 'reject', 'x~open-1', '--url', t.url], { env: env() })).code, 2);
  });

  it('says so when the token is wrong', async () => {
    const out = await herald(['drafts', 'list', '--url', t.url], { env: { HERALD_API_TOKEN: 'wrong' } });
    assert.equal(out.code, 1);
    assert.match(out.stderr, /401/);
  });
});

describe('every command that drives a running herald finds it the same way', () => {
  let t: TestHerald;
  before(async () => {
    t = await startTestHerald(await consoleEnv());
  });
  after(async () => t.close());

  const COMMANDS = [
    ['drafts', 'list'],
    ['maintenance', 'list'],
    ['incident', 'set', 'no-such-incident', '--phase', 'identified'],
  ];
  /** Whether the command's request reached this herald: an answer, or a refusal it sent. */
  const reached = (out: { stdout: string; stderr: string }) => !/cannot reach herald/.test(out.stderr) && (out.stdout !== '' || /herald refused \(404/.test(out.stderr));

  for (const args of COMMANDS) {
    it(`herald ${args[0]} asks http://127.0.0.1:$PORT, or HERALD_URL when it is set`, async () => {
      const port = new URL(t.url).port;
      assert.ok(reached(await herald(args, { env: { HERALD_API_TOKEN: API_TOKEN, PORT: port } })), 'PORT alone');
      assert.ok(reached(await herald(args, { env: { HERALD_API_TOKEN: API_TOKEN, PORT: '1', HERALD_URL: t.url } })), 'HERALD_URL over PORT');
      const nowhere = await herald(args, { env: { HERALD_API_TOKEN: API_TOKEN, PORT: '1' } });
      assert.equal(nowhere.code, 1);
      assert.match(nowhere.stderr, /cannot reach herald at http:\/\/127\.0\.0\.1:1/);
    });
  }
});

describe('npx herald hash-password', () => {
  it('prints an Argon2id hash of the password piped into the installed command', async () => {
    const child = run(process.execPath, [BIN, 'hash-password']);
    child.child.stdin!.end('a long enough password\n');
    const hash = (await child).stdout.trim();
    assert.match(hash, /^\$argon2id\$/);
    assert.equal(await verify(hash, 'a long enough password'), true);
  });

  it('refuses a short password', async () => {
    const out = await herald(['hash-password'], { input: 'short\n' });
    assert.equal(out.code, 2);
    assert.match(out.stderr, /at least 12 characters/);
  });
});
