import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

/** Runs `npm run bench` the way a person would, with the given arguments. */
function bench(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...args], { cwd: process.cwd(), env: process.env });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

// Speed is not asserted here (it lives in the benchmarks' own figures); this only keeps the scripts from rotting.
describe('the benchmark harness', () => {
  it('runs every benchmark end to end with tiny counts and reports their figures', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-bench-smoke-'));
    const json = join(dir, 'results.json');
    // In-process: starting herald and the baseline as processes of their own (as the real run
    // does) would take most of the time this test may have.
    const { code, output } = await bench(['--quick', '--in-process', '--connections', '8', '--json', json]);
    assert.equal(code, 0, output);
    const results = JSON.parse(readFileSync(json, 'utf8'));
    rmSync(dir, { recursive: true, force: true });
    assert.deepEqual(Object.keys(results), ['ingest', 'storm', 'announce', 'growth']);
    assert.ok(results.ingest['generic webhooks/s'] > 0);
    assert.equal(results.storm['generic one tweet plus one reply'], true);
    assert.ok(results.announce['herald p99 ms'] > 0);
    assert.ok(results.growth['with retention: incidents kept'] < results.growth['without retention: incidents kept']);
  });

  it('refuses a benchmark name it does not know, naming the ones it has', async () => {
    const { code, output } = await bench(['ingset']);
    assert.equal(code, 2);
    assert.match(output, /no benchmark named ingset; there are: ingest, storm, announce, growth/);
  });
});
