import type { Config } from '../../config.ts';
import type { ApprovalHold } from '../../incidents/adapters/apply.ts';
import type { AlertEvent, Incident } from '../../incidents/model.ts';
import type { Applied } from '../../incidents/rules.ts';
import type { IncidentStore } from '../../incidents/store.ts';
import type { RedisClient } from '../../redis/connect.ts';
import { quietDuringMaintenance } from '../quiet.ts';
import { MaintenanceCalendar } from './calendar.ts';

/**
 * The incident worker's hold with maintenance in front of the approval policy: what a window
 * covers is withdrawn before anything is drafted. `prepare` reads the windows before each batch.
 */
export function quietHold(config: Pick<Config, 'graceMs' | 'maintenanceGraceMs'>, parts: { redis: RedisClient; prefix: string; store: IncidentStore }, approval: ApprovalHold) {
  const calendar = new MaintenanceCalendar({ ...parts, graceMs: config.maintenanceGraceMs });
  const graceMs = { maintenance: config.maintenanceGraceMs, open: config.graceMs };
  return {
    prepare: () => calendar.refresh(),
    hold: (previous: Incident | null, applied: Applied, event: AlertEvent): Applied => approval(previous, quietDuringMaintenance(applied, event, calendar.current(), graceMs), event),
  };
}
