import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestHerald, type TestHerald } from './helpers/herald.ts';

/** A deploy that lost its X secrets runs in dry-run: it must not look healthy. */
describe('dry-run is visible', () => {
  let t: TestHerald;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'herald-dry-'));
    t = await startTestHerald({ X_APP_KEY: '', X_APP_SECRET: '', X_ACCESS_TOKEN: '', X_ACCESS_SECRET: '', HERALD_OUTBOX: join(dir, 'outbox.jsonl') });
  });
  after(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('/healthz/x answers 503 dry-run and says why', async () => {
    const res = await t.get('/healthz/x', { authorization: '' });
    assert.equal(res.status, 503);
    assert.equal(res.body.status, 'dry-run');
    assert.match(res.body.reason, /no X credentials/);
  });

  it('/metrics has herald_dry_run 1', async () => {
    const text = await (await fetch(`${t.url}/metrics`)).text();
    assert.match(text, /^herald_dry_run 1$/m);
  });

  it('the console says so on its sign-in page', async () => {
    const page = await (await fetch(`${t.url}/console/login`)).text();
    assert.match(page, /id="dry-run"/);
  });
});
