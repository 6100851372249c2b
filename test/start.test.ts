import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { deletePrefix, REDIS_URL } from './helpers/herald.ts';

type Line = Record<string, any>;

/** `npm start` as a newcomer runs it: no X credentials, no token, nothing configured. */
describe('npm start without X credentials', () => {
  let child: ChildProcessWithoutNullStreams;
  const lines: Line[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-start-'));
  const prefix = `herald-start-${randomUUID().slice(0, 8)}`;
  let url = '';

  const waitForLine = (predicate: (l: Line) => boolean, timeoutMs = 20_000) =>
    new Promise<Line>((resolve, reject) => {
      const timer = setInterval(() => {
        const found = lines.find(predicate);
        if (found) {
          clearInterval(timer);
          resolve(found);
        } else if ((timeoutMs -= 50) <= 0) {
          clearInterval(timer);
          reject(new Error(`no such log line; got:\n${lines.map((l) => JSON.stringify(l)).join('\n')}`));
        }
      }, 50);
    });

  before(async () => {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      REDIS_URL,
      HERALD_REDIS_PREFIX: prefix,
      HERALD_DATA_DIR: dataDir,
      HERALD_GRACE_SECONDS: '0',
    };
    child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env, cwd: process.cwd() });
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const raw = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        try {
          lines.push(JSON.parse(raw));
        } catch {
          lines.push({ msg: raw });
        }
      }
    });
    child.stderr.on('data', (chunk: Buffer) => lines.push({ stderr: chunk.toString() }));
    url = (await waitForLine((l) => l.msg === 'herald is running')).url;
  });

  after(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    const redis = new Redis(REDIS_URL);
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it('says first that it runs in dry-run mode and why', () => {
    assert.match(lines[0]!.msg, /^dry-run: no X credentials are set/);
    assert.equal(lines[0]!.mode, 'dry-run');
  });

  it('turns a webhook into a tweet in the local outbox, and a resolve into a threaded reply', async () => {
    const hint = lines.find((l) => typeof l.msg === 'string' && l.msg.includes('made up for this run'));
    const token = /run: ([0-9a-f]+)\./.exec(hint!.msg)![1]!;
    const post = (status: string) =>
      fetch(`${url}/webhooks/generic`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ key: 'demo-1', status, service: 'KakaoTalk', feature: 'messaging', severity: 'major' }),
      });
    assert.equal((await post('open')).status, 202);
    const outbox = join(dataDir, 'outbox.jsonl');
    const read = () => (existsSync(outbox) ? readFileSync(outbox, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []);
    await waitFor(() => read().length === 1);
    assert.equal((await post('resolved')).status, 202);
    await waitFor(() => read().length === 2);
    const [open, resolved] = read();
    assert.match(open.text, /KakaoTalk/);
    assert.equal(resolved.inReplyTo, open.id);
  });

  it('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });
});

async function waitFor(predicate: () => boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
