import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../src/config.ts';

describe('delivery configuration', () => {
  it('reads the posting budget and timings from the environment', () => {
    const config = loadConfig({ HERALD_X_BUDGET_15MIN: '90', HERALD_X_BUDGET_24H: '9000', HERALD_X_BUDGET_RESERVE: '10', HERALD_X_SETTLE_SECONDS: '2.5' });
    assert.deepEqual(
      [config.delivery.postsPer15Min, config.delivery.postsPer24H, config.delivery.reserve, config.delivery.settleMs],
      [90, 9000, 10, 2500],
    );
  });

  it('refuses a reserve that would leave updates and minor incidents no budget at all', () => {
    assert.throws(
      () => loadConfig({ HERALD_X_BUDGET_15MIN: '5', HERALD_X_BUDGET_RESERVE: '5' }),
      (err: unknown) => err instanceof ConfigError && /HERALD_X_BUDGET_RESERVE: 5 .* keep it below 5/.test(err.message),
    );
  });

  it('refuses Cluster and Sentinel together', () => {
    assert.throws(
      () => loadConfig({ REDIS_CLUSTER_NODES: 'a:1', REDIS_SENTINELS: 'b:2', HERALD_REDIS_PREFIX: '{herald}' }),
      /set one of them, not both/,
    );
  });
});
