import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { startSweeper } from '../src/publish/sweep.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the sweeper', () => {
  it('never runs a sweep beside one still under way, and sweeps again once it is done', async () => {
    let running = 0;
    let most = 0;
    let runs = 0;
    // Each sweep takes five intervals: a timer that started one per interval would overlap them.
    const stop = startSweeper(
      async () => {
        runs++;
        most = Math.max(most, ++running);
        await sleep(50);
        running--;
      },
      10,
      pino({ level: 'silent' }),
    );
    await sleep(200);
    await stop();
    assert.equal(most, 1);
    assert.ok(runs >= 2, `swept ${runs} time(s) in 200 ms`);
  });

  it('goes on sweeping after a sweep failed', async () => {
    let runs = 0;
    const stop = startSweeper(
      async () => {
        runs++;
        throw new Error('Redis went away');
      },
      10,
      pino({ level: 'silent' }),
    );
    await sleep(100);
    await stop();
    assert.ok(runs >= 2);
  });
});
