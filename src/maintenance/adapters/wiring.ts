import type { Logger } from 'pino';
import { accountComposer, accountIds } from '../../accounts/wiring.ts';
import type { Config } from '../../config.ts';
import type { IncidentStore } from '../../incidents/store.ts';
import type { RedisClient } from '../../redis/connect.ts';
import { openMaintenanceQueue, type Queues } from '../../queues.ts';
import { Maintenance } from './service.ts';

/** The maintenance service for this configuration: every account, the approval policy, its composers. */
export function maintenanceFor(config: Readonly<Config>, parts: { store: IncidentStore; redis: RedisClient; queues: Pick<Queues, 'posts'>; logger: Logger }) {
  const queue = openMaintenanceQueue(parts.redis, config.redisPrefix);
  const maintenance = new Maintenance({
    ...parts,
    prefix: config.redisPrefix,
    accounts: accountIds(config),
    policy: config.approvalPolicy,
    compose: accountComposer(config),
    overrun: { queue, graceMs: config.maintenanceGraceMs },
  });
  return { maintenance, close: () => queue.close() };
}
