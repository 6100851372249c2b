import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { spawnHerald, type HeraldProcess } from './helpers/herald-process.ts';
import { deletePrefix, REDIS_URL } from './helpers/herald.ts';

type Line = Record<string, any>;

/** `npm start` as a newcomer runs it: no X credentials, no token, nothing configured. */
describe('npm start without X credentials', () => {
  let herald: HeraldProcess;
  let lines: Line[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-start-'));
  const prefix = `herald-start-${randomUUID().slice(0, 8)}`;
  let url = '';

  before(async () => {
    herald = spawnHerald(undefined, { PORT: '0', REDIS_URL, HERALD_REDIS_PREFIX: prefix, HERALD_DATA_DIR: dataDir, HERALD_GRACE_SECONDS: '0' });
    lines = herald.lines;
    url = (await herald.waitForLine((l) => l.msg === 'herald is running')).url as string;
  });

  after(async () => {
    herald.kill('SIGKILL');
    const redis = new Redis(REDIS_URL);
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it('says first that it runs in dry-run mode and why', () => {
    // The made-up API token goes to stderr, not into the log (docs/security.md); the log begins with the mode.
    const [first] = lines.filter((l) => !('stderr' in l));
    assert.match(first!.msg, /^dry-run: no X credentials are set/);
    assert.equal(first!.mode, 'dry-run');
  });

  it('turns a webhook into a tweet in the local outbox, and a resolve into a threaded reply', async () => {
    const hint = lines.find((l) => typeof l.msg === 'string' && l.msg.startsWith('WEBHOOK_TOKEN is not set'));
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

  it('prints an API token beside the webhook token, never logging it, and only the API token reads the incident back', async () => {
    const webhookToken = /run: ([0-9a-f]+)\./.exec(lines.find((l) => typeof l.msg === 'string' && l.msg.startsWith('WEBHOOK_TOKEN is not set'))!.msg as string)![1]!;
    const printed = lines.map((l) => (typeof l.stderr === 'string' ? l.stderr : '')).join('');
    const apiToken = /HERALD_API_TOKEN for this dry-run: ([0-9a-f]+)/.exec(printed)![1]!;
    assert.ok(!lines.some((l) => l.stderr === undefined && JSON.stringify(l).includes(apiToken)), 'the API token is in no log line');
    assert.notEqual(webhookToken, apiToken);
    const read = (token: string) => fetch(`${url}/api/incidents/demo-1`, { headers: { authorization: `Bearer ${token}` } });
    const answer = await read(apiToken);
    assert.equal(answer.status, 200);
    assert.equal(((await answer.json()) as { key: string }).key, 'demo-1');
    assert.equal((await read(webhookToken)).status, 401);
  });

  it('stops cleanly on SIGTERM', async () => {
    herald.kill('SIGTERM');
    assert.equal((await herald.exited).code, 0);
  });
});

async function waitFor(predicate: () => boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
