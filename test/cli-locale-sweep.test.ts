import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../src/cli.ts';
import { catalogSource } from '../src/console/i18n.ts';
import { API_TOKEN, apiCall, consoleEnv, newDraft } from './helpers/console.ts';
import { REDIS_URL, startTestHerald, type TestHerald } from './helpers/herald.ts';
import { englishWords, machineClock } from './helpers/latin-words.ts';

/**
 * Everything the command line prints a person, in Korean and Japanese, says nothing in English and
 * writes no machine clock: help, lists, confirmations, refusals and mistakes, from real `herald`
 * processes (and, for the mistakes around them, the same `main` in this process) against a running
 * test herald. What stays Latin on purpose is taken out first: the
 * syntax after "usage:" (option names, placeholders), command names, `code`, error codes, and
 * herald's own API answer, which the CLI quotes line by line after "  > ".
 */

const BIN = fileURLToPath(new URL('../bin/herald.js', import.meta.url));

interface Ran {
  code: number;
  out: string;
  err: string;
}

/** `herald <args>` as a person runs it: its own process, with only the environment given. */
function inProcessOfItsOwn(args: string[], env: Record<string, string>, input?: string): Promise<Ran> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 }, (error, out, err) => {
      resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, out, err });
    });
    child.stdin?.end(input ?? '');
  });
}

/** The words of CLI output a person reads as prose, with what is Latin on purpose taken out (see above). */
function prose(text: string, locale: 'ko' | 'ja', typed: string[]): string {
  const usage = catalogSource(locale)['cli.usage']!.replace('{syntax}', '');
  // What the person typed comes back as typed ("없는 명령이에요: frobnicate").
  const echoed = typed.reduce((rest, arg) => (arg.length > 1 ? rest.replaceAll(arg, ' ') : rest), text);
  return echoed
    .split('\n')
    .filter((line) => !line.startsWith('  > ') && !/^\s+\| /.test(line))
    .map((line) => (line.includes(usage) ? line.slice(0, line.indexOf(usage) + usage.length) : line))
    .join('\n')
    .replace(/`[^`]*`/g, ' ')
    .replace(/^ {2}[a-z][a-z-]*(?= {2})/gm, ' ') // the command names of `herald help`
    .replace(/\bherald [a-z][a-z-]*/g, 'herald')
    .replace(/(^|[\s(（])--?[a-z][\w-]*/gm, '$1')
    .replace(/\b[A-Z][A-Z0-9_]+\b/g, (word) => (/^(AM|PM|GMT)$/.test(word) ? word : ' ')); // codes, settings, ID
}

/**
 * `herald <args>` in a process of its own for what a person does most (help, the lists, a decision,
 * a refusal, the report); in this process, through the same `main` with only `env`, for the
 * mistakes around them, so the sweep stays within a test's time on a shared machine.
 */
async function herald(args: string[], env: Record<string, string>, input?: string, own = false): Promise<Ran> {
  if (own) return inProcessOfItsOwn(args, env, input);
  let out = '';
  let err = '';
  const code = await main(args, { out: (x) => void (out += x), err: (x) => void (err += x), env, cwd: process.cwd(), stdin: Readable.from(input === undefined ? [] : [input]) });
  return { code, out, err };
}

/** What a person does most: each in a process of its own. */
const OWN_PROCESS = new Set(['help', 'drafts list', 'drafts approve', 'drafts reject again (a refusal)', 'maintenance list', 'incident set', 'report', 'a short password']);

const COMMANDS = ['serve', 'check-config', 'preview', 'lint-messages', 'report', 'drafts', 'hash-password', 'maintenance', 'incident'];
/** `herald help` names every command in a line of its own; these add a note of their own to their help. */
const HELPED = ['drafts', 'hash-password', 'report', 'maintenance'];

describe('the command line in the reader\'s language', () => {
  let t: TestHerald;
  const runs = new Map<string, Ran & { args: string[] }>();
  const stamp = Date.now();

  before(async () => {
    t = await startTestHerald(await consoleEnv({ HERALD_LOCALE: 'ko' }));
    const startsAt = new Date(Date.now() + 48 * 3600_000).toISOString();
    const endsAt = new Date(Date.now() + 50 * 3600_000).toISOString();
    for (const locale of ['ko', 'ja'] as const) {
      const env = { HERALD_LOCALE: locale, HERALD_TIMEZONE: 'Asia/Seoul', HERALD_API_TOKEN: API_TOKEN, HERALD_URL: t.url, REDIS_URL, HERALD_REDIS_PREFIX: t.config.redisPrefix };
      const approve = await newDraft(t, { key: `cli-${locale}-a-${stamp}` });
      const reject = await newDraft(t, { key: `cli-${locale}-r-${stamp}`, severity: 'critical' });
      const facts = await newDraft(t, { key: `cli-${locale}-f-${stamp}` });
      await apiCall(t.url, 'POST', `/api/drafts/${facts}/approve`);
      const from = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
      const to = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
      const cases: [string, string[], Record<string, string>?, string?][] = [
        ['no command', []],
        ['help', ['help']],
        ...HELPED.map((name): [string, string[]] => [`${name} --help`, [name, '--help']]),
        ['an unknown command', ['frobnicate']],
        ['an unknown option', ['drafts', 'list', '--frob']],
        ['an option without its value', ['report', '--from']],
        ['a verb it does not know', ['drafts', 'publish']],
        ['drafts list', ['drafts', 'list']],
        ['drafts approve', ['drafts', 'approve', approve]],
        ['drafts reject', ['drafts', 'reject', reject, '--reason', '중복']],
        ['a draft that does not exist', ['drafts', 'approve', `gone-${stamp}~open-1`]],
        ['no token', ['drafts', 'list'], { HERALD_API_TOKEN: '' }],
        ['a wrong token', ['drafts', 'list'], { HERALD_API_TOKEN: 'wrong' }],
        ['herald not running', ['drafts', 'list', '--url', 'http://127.0.0.1:59999']],
        ['maintenance schedule', ['maintenance', 'schedule', '--service', 'KakaoTalk', '--feature', 'login', '--starts', startsAt, '--ends', endsAt]],
        ['incident set', ['incident', 'set', `cli-${locale}-f-${stamp}`, '--phase', 'identified', '--scope', 'total']],
        ['report', ['report', '--from', from, '--to', to]],
        ['a bad period', ['report', '--from', to, '--to', from]],
        ['a short password', ['hash-password'], {}, 'short'],
        ['check-config', ['check-config']],
      ];
      // These follow what the first ones did.
      const then: typeof cases = [
        ['drafts reject again (a refusal)', ['drafts', 'reject', reject, '--reason', '중복']],
        ['maintenance list', ['maintenance', 'list']],
        ['incident set, nothing new', ['incident', 'set', `cli-${locale}-f-${stamp}`, '--phase', 'identified']],
      ];
      // Two at a time, on a shared machine.
      for (const batch of [cases, then])
        for (let i = 0; i < batch.length; i += 2)
          await Promise.all(batch.slice(i, i + 2).map(async ([name, args, extra, input]) => runs.set(`${locale}: ${name}`, { ...(await herald(args, { ...env, ...extra }, input, OWN_PROCESS.has(name))), args })));
    }
  });
  after(() => t?.close());

  for (const locale of ['ko', 'ja'] as const) {
    it(`prints no English and no machine clock in ${locale}`, () => {
      const found: string[] = [];
      for (const [name, ran] of runs) {
        if (!name.startsWith(`${locale}:`)) continue;
        const text = prose(`${ran.out}\n${ran.err}`, locale, ran.args);
        const words = [...englishWords(text), ...machineClock(text)];
        if (words.length) found.push(`${name}: ${words.join(', ')}\n${ran.out}${ran.err}`);
      }
      assert.deepEqual(found, []);
    });
  }

  it('did what it was asked, in Korean', () => {
    const ran = (name: string) => runs.get(`ko: ${name}`)!;
    assert.equal(ran('drafts approve').code, 0, ran('drafts approve').err);
    assert.match(ran('drafts approve').out, /승인했어요/);
    assert.equal(ran('drafts reject again (a refusal)').code, 1);
    assert.match(ran('drafts reject again (a refusal)').err, /herald가 거절했어요\(409, HERALD_CONFLICT\)/);
    assert.match(ran('drafts reject again (a refusal)').err, /^ {2}> /m, 'herald\'s own answer is quoted');
    assert.equal(ran('no token').code, 2);
    assert.match(ran('herald not running').err, /연결할 수 없어요\(ECONNREFUSED\)/);
    assert.match(ran('maintenance list').out, /게시 예정|예정|공지/);
    assert.match(ran('maintenance list').out, /(오전|오후|낮|밤|새벽|자정|정오)/, 'the window in herald\'s clock words');
    assert.match(ran('incident set').out, /영향 범위/);
    assert.equal(ran('report').code, 0, ran('report').err);
    assert.match(ran('report').out, /처음 들어온 장애/);
    assert.equal(ran('a short password').code, 2);
    assert.match(ran('check-config').out, /^설정에 문제가 없어요: /, ran('check-config').err);
  });

  it('keeps --json as it was, whatever the language', async () => {
    const env = { HERALD_LOCALE: 'ja', HERALD_API_TOKEN: API_TOKEN, HERALD_URL: t.url };
    const json = JSON.parse((await herald(['maintenance', 'list', '--json'], env, undefined, true)).out) as { state: string; startsAt: string }[];
    assert.ok(json.length >= 2);
    for (const w of json) {
      assert.match(w.state, /^[a-z-]+$/);
      assert.match(w.startsAt, /^\d{4}-\d{2}-\d{2}T/);
    }
    const drafts = JSON.parse((await herald(['drafts', 'list', '--json'], env)).out) as { kind: string }[];
    assert.ok(drafts.every((d) => /^[a-z]+$/.test(d.kind)));
  });
});

describe('the command line\'s words', () => {
  it('are all in the catalogs: every cli. and journal. key the code asks for exists', () => {
    const english = catalogSource('en');
    const dirs = ['src', 'src/cli', 'src/console', 'src/journal', 'src/maintenance/adapters', 'src/incidents/adapters', 'src/app'];
    const asked = new Set<string>();
    for (const dir of dirs)
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts')))
        for (const m of readFileSync(`${dir}/${file}`, 'utf8').matchAll(/\bt\('((?:cli|journal)\.[a-zA-Z.]+)'/g)) asked.add(m[1]!);
    assert.ok(asked.size > 20, `found ${asked.size}`);
    assert.deepEqual([...asked].filter((k) => english[k] === undefined), []);
    for (const name of COMMANDS) assert.ok(english[`cli.summary.${name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())}`], name);
  });
});
