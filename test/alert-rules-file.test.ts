import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { hasCommand } from './helpers/redis-servers.ts';
import { startTestHerald, type TestHerald } from './helpers/herald.ts';

const run = promisify(execFile);
const EXAMPLES = fileURLToPath(new URL('../examples/', import.meta.url));
const RULES = readFileSync(new URL('../examples/alerts.yml', import.meta.url), 'utf8');

// CI installs promtool (Debian's prometheus package, .ci/system-packages); elsewhere the checks
// are skipped, naming why.
const promtool = hasCommand('promtool') ? undefined : 'promtool is not installed (Debian: apt-get install prometheus)';

describe('examples/alerts.yml', () => {
  it('is a valid Prometheus rules file', { skip: promtool }, async () => {
    const { stdout } = await run('promtool', ['check', 'rules', 'alerts.yml'], { cwd: EXAMPLES });
    assert.match(stdout, /SUCCESS: \d+ rules found/);
  });

  it('fires each rule on the series of its fault and none on a healthy herald (promtool test rules)', { skip: promtool }, async () => {
    const { stdout } = await run('promtool', ['test', 'rules', 'alerts.test.yml'], { cwd: EXAMPLES });
    assert.match(stdout, /SUCCESS/);
    // Every rule is exercised by the unit test file.
    const tested = readFileSync(`${EXAMPLES}alerts.test.yml`, 'utf8');
    for (const [, name] of RULES.matchAll(/- alert: (\w+)/g)) assert.match(tested, new RegExp(`alertname: ${name}\\b`), name);
  });

  describe('names only metrics herald serves', () => {
    let t: TestHerald;
    before(async () => {
      t = await startTestHerald();
    });
    after(async () => t.close());

    it('every herald_ metric the rules read is on /metrics', async () => {
      const served = new Set([...(await (await fetch(`${t.url}/metrics`)).text()).matchAll(/^# HELP (\w+) /gm)].map((m) => m[1]));
      const used = new Set([...RULES.matchAll(/\b(herald_\w+?)(?:_bucket|_count|_sum)?\b/g)].map((m) => m[1]!));
      assert.ok(used.size >= 7, 'the rules read herald metrics');
      assert.deepEqual([...used].filter((name) => !served.has(name)), []);
    });

    it('reports each account state and the drafts past half their deadline', async () => {
      const metrics = await (await fetch(`${t.url}/metrics`)).text();
      assert.match(metrics, /^herald_account_state\{account="x",network="x",state="posting"\} 1$/m);
      assert.match(metrics, /^herald_drafts_past_half_deadline 0$/m);
    });
  });
});
