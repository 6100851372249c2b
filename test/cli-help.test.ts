import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { main, type CliIo } from '../src/cli.ts';
import { heraldVersion } from '../src/version.ts';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../bin/herald.js', import.meta.url));
const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

/** Runs the command line in this process and keeps what it printed. */
async function cli(argv: string[], env: CliIo['env'] = {}, cwd = process.cwd()): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => void (out += t), err: (t) => void (err += t), env, cwd });
  return { code, out, err };
}

const COMMANDS = ['serve', 'check-config', 'preview', 'lint-messages', 'report', 'drafts', 'hash-password', 'maintenance', 'incident'];

test('every command answers --help, -h and `herald help <command>` with its usage and exits 0', async () => {
  for (const name of COMMANDS) {
    for (const argv of [[name, '--help'], [name, '-h'], ['help', name]]) {
      const { code, out, err } = await cli(argv);
      assert.equal(code, 0, `${argv.join(' ')}: ${err}`);
      assert.match(out, new RegExp(`^herald ${name}: .+\\n\\nusage: herald ${name}`), argv.join(' '));
    }
  }
});

test('--help after a subcommand still asks for help, but not after --', async () => {
  assert.match((await cli(['drafts', 'approve', '--help'])).out, /^herald drafts: /);
  // After `--` it is the thread file's name: preview then says what it was given, not its help.
  const { code, out } = await cli(['preview', '--', '--help']);
  assert.equal(code, 2);
  assert.equal(out, '');
});

test('herald --version and herald version name the version and the Node.js that runs it', async () => {
  for (const flag of ['--version', '-V', 'version']) {
    const { code, out } = await cli([flag]);
    assert.equal(code, 0);
    assert.equal(out, `herald ${heraldVersion} (Node.js ${process.versions.node})\n`);
  }
});

test('help for a command that does not exist is refused, naming the commands', async () => {
  const { code, err } = await cli(['help', 'frobnicate']);
  assert.equal(code, 2);
  assert.match(err, /unknown command: frobnicate/);
  assert.match(err, /check-config/);
});

test('check-config says OK for a dry run and lists every problem of a bad configuration, starting nothing', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'herald-check-'));
  const ok = await cli(['check-config'], {}, dir);
  assert.equal(ok.code, 0, ok.err);
  assert.match(ok.out, /^configuration OK: dry-run/);

  const bad = await cli(['check-config'], { HERALD_APPROVAL: 'sometimes', HERALD_GRACE_SECONDS: 'soon', HERALD_USERS_FILE: path.join(dir, 'missing.yaml') }, dir);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /HERALD_APPROVAL/);
  assert.match(bad.err, /HERALD_GRACE_SECONDS/);
  assert.equal(bad.out, '');
});

test('check-config reads .env from the directory it runs in, as the service does', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'herald-check-'));
  writeFileSync(path.join(dir, '.env'), 'HERALD_APPROVAL=sometimes\n');
  const { code, err } = await cli(['check-config'], {}, dir);
  assert.equal(code, 2);
  assert.match(err, /HERALD_APPROVAL/);
});

test('the service entry point answers --help without starting, from the built and the source form alike', async () => {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', MAIN, '--help']);
  assert.match(stdout, /^herald serve: .+\n\nusage: herald serve \[--role api\|worker\|all\]/);
  const bin = await run(process.execPath, [BIN, 'serve', '--help']);
  assert.equal(bin.stdout, stdout);
});

test('the README previews a scenario that ships with herald', async () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const file = /npx herald preview --thread (\S+)/.exec(readme)?.[1];
  assert.ok(file, 'the README shows preview --thread');
  const { code, out, err } = await cli(['preview', '--thread', file, '--json'], { HERALD_LOCALE: 'en', HERALD_TIMEZONE: 'Asia/Seoul' }, fileURLToPath(new URL('..', import.meta.url)));
  assert.equal(code, 0, err);
  assert.ok((JSON.parse(out) as unknown[]).length >= 2, 'an announcement and its resolution at least');
});
