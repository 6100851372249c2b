import type { Bench } from './lib/bench.ts';
export const growth: Bench = { name: 'growth', what: 'todo', async run() { return {}; } };
