import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { event, settled, startTestHerald, type TestHerald } from './helpers/herald.ts';

const run = promisify(execFile);
const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;

describe('structured logs', () => {
  let t: TestHerald;
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  before(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) {
          raw.push(line);
          lines.push(JSON.parse(line));
        }
        done();
      },
    });
    t = await startTestHerald({}, { logger: pino({ level: 'debug' }, sink) });
  });
  after(async () => t.close());

  it('carries the incident key on every line about one of its posts, the publisher\'s too', async () => {
    const e = event();
    await t.send(e);
    await t.fakeX.waitForPosts(1);
    await t.send({ ...e, status: 'resolved' });
    await t.fakeX.waitForPosts(2);
    await settled(t);
    const aboutPosts = lines.filter((l) => 'tweetId' in l || 'tweet' in l || 'post' in l);
    assert.ok(aboutPosts.some((l) => l.msg === 'posted to X'), 'the publisher logged its posts');
    assert.deepEqual(aboutPosts.filter((l) => l.incident !== e.key).map((l) => l.msg), []);
  });

  it('writes each key once per line, the publisher\'s too', () => {
    const posted = raw.filter((l) => l.includes('"posted to X"'));
    assert.ok(posted.length >= 2);
    for (const line of posted) {
      assert.equal(line.match(/"incident"/g)?.length, 1, line);
      assert.equal(line.match(/"publisher"/g)?.length, 1, line);
    }
  });
});

describe('the log format', () => {
  const root = fileURLToPath(new URL('../', import.meta.url));
  // A setting herald refuses: it logs one fatal line and exits 2 before touching Redis.
  const env = { PATH: process.env.PATH ?? '', HERALD_LOCALE: 'fr' };

  it('writes one JSON object a line when stdout is not a terminal', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: root, env }).catch((e: { code: number; stdout: string }) => {
      assert.equal(e.code, 2);
      return e;
    });
    const lines = stdout.split('\n').filter(Boolean);
    assert.ok(lines.length > 0, 'it logged something');
    const parsed = lines.map((line) => JSON.parse(line) as { level: number; msg: string });
    assert.ok(parsed.some((l) => l.level === 60 && /HERALD_LOCALE/.test(l.msg)), stdout);
  });

  it('writes readable lines when stdout is a terminal', { skip: hasScript ? false : 'script(1) is not installed to give herald a terminal' }, async () => {
    // script(1) runs herald on a pseudo-terminal and copies what it shows to our pipe.
    const command = `${process.execPath} --import tsx src/main.ts`;
    const { stdout } = await run('script', ['-qefc', command, '/dev/null'], { cwd: root, env }).catch((e: { stdout: string }) => e);
    const text = stdout.replace(/\x1b\[[0-9;]*m/g, '');
    assert.match(text, /FATAL/);
    assert.match(text, /HERALD_LOCALE/);
    assert.ok(!text.trimStart().startsWith('{'), `not JSON: ${text.slice(0, 200)}`);
  });
});
