import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Coalescer } from '../src/incidents/coalesce.ts';

describe('the per-incident coalescer', () => {
  it('applies what queued up for a key while a run was in flight in one run, in order', async () => {
    const runs: string[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const c = new Coalescer(async (_key: string, items: string[]) => {
      runs.push(items);
      if (runs.length === 1) await gate;
      return items.length;
    });
    const first = c.submit('k', 'a');
    await Promise.resolve();
    await Promise.resolve();
    const later = ['b', 'c', 'd'].map((item) => c.submit('k', item));
    release();
    assert.deepEqual(await Promise.all([first, ...later]), [1, 3, 3, 3]);
    assert.deepEqual(runs, [['a'], ['b', 'c', 'd']]);
  });

  it('runs different keys independently', async () => {
    const seen: string[] = [];
    const c = new Coalescer(async (key: string, items: number[]) => {
      seen.push(`${key}:${items.join(',')}`);
      return key;
    });
    assert.deepEqual(await Promise.all([c.submit('x', 1), c.submit('y', 2), c.submit('x', 3)]), ['x', 'y', 'x']);
    assert.deepEqual(seen.sort(), ['x:1,3', 'y:2']);
  });

  it('fails every item of a failed run and keeps serving the key', async () => {
    let fail = true;
    const c = new Coalescer(async (_key: string, items: number[]) => {
      if (fail) throw new Error('store unreachable');
      return items.length;
    });
    await assert.rejects(Promise.all([c.submit('k', 1), c.submit('k', 2)]), /store unreachable/);
    fail = false;
    assert.equal(await c.submit('k', 3), 1);
  });
});
