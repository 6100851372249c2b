import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';

/** Runs `npm run bench` the way a person would, with the given arguments after `--`. */
function bench(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', 'bench', '--', ...args], { cwd: process.cwd(), env: process.env });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

/** The value printed beside a figure's name, as `npm run bench` prints it. */
function figure(output: string, name: string): string {
  const line = output.split('\n').find((l) => l.trimStart().startsWith(name + ' '));
  assert.ok(line, `no figure named "${name}" in:\n${output}`);
  return line.trim().slice(name.length).trim();
}
const number = (text: string) => Number(text.replaceAll(',', ''));

// Speed is not asserted here (it lives in the benchmarks' own figures); this only keeps the scripts from rotting.
describe('the benchmark harness', () => {
  it('runs the quick command docs/benchmarks.md gives, every benchmark end to end, and reports their figures', async () => {
    // Exactly the documented command: herald in the runner's process, tiny counts.
    const { code, output } = await bench(['--quick', '--in-process']);
    assert.equal(code, 0, output);
    for (const name of ['ingest', 'storm', 'announce', 'growth']) assert.match(output, new RegExp(`^${name}: `, 'm'));
    assert.ok(number(figure(output, 'wrk generic --role api rate / floor')) > 0);
    assert.ok(number(figure(output, 'wrk generic --role api rate / minimal')) > 0);
    assert.ok(number(figure(output, 'wrk generic --role api CPU per webhook / minimal')) > 0);
    assert.ok(number(figure(output, 'wrk generic --role all rate / floor')) > 0);
    assert.ok(number(figure(output, 'autocannon generic --role api webhooks/s')) > 0);
    assert.equal(figure(output, 'generic one tweet plus one reply'), 'true');
    assert.ok(number(figure(output, 'herald p99 ms')) > 0);
    assert.ok(number(figure(output, 'with retention: incidents kept')) < number(figure(output, 'without retention: incidents kept')));
  });

  it('refuses a benchmark name it does not know, naming the ones it has', async () => {
    const { code, output } = await bench(['ingset']);
    assert.equal(code, 2);
    assert.match(output, /no benchmark named ingset; there are: ingest, storm, announce, growth/);
  });
});
