import { z } from 'zod';
import type { AlertEvent } from '../incidents/model.ts';
import { genericEventFields } from './generic.ts';
import { invalidPayload } from './validation.ts';
import type { InvalidPayload } from './source.ts';

const fields = genericEventFields.shape;

/**
 * An event as it sits in the events queue: the fields ingest checked, with the same rules (service
 * names fit for a public tweet, known features and severities). The incident worker checks every
 * job against it, so a job that did not come through a webhook (added in Bull Board, or straight
 * into Redis) cannot carry what a webhook would refuse.
 */
export const queuedEventSchema = z
  .object({
    // Keys made from service names (incidents/routing.ts) may hold any letter, not only ASCII.
    key: z.string().min(1).max(200).regex(/^[\p{L}\p{N}_.~-]+$/u, 'letters, digits and . _ ~ - only'),
    status: fields.status,
    service: fields.service,
    feature: fields.feature.unwrap(),
    severity: fields.severity,
    impacts: fields.impacts,
    scope: fields.scope,
    phase: fields.phase,
    dataSafety: fields.dataSafety,
    at: fields.at.unwrap(),
    source: z.string().regex(/^[a-z][a-z-]{0,31}$/, 'a source name such as alertmanager'),
    receivedAt: z.iso.datetime({ offset: true }),
    // Ids are what monitoring tools send (a fingerprint, tags, a rule name): never shown, so only bounded.
    alertId: z.string().min(1).max(2000).optional(),
  })
  .strict();

/** The event when it is one a webhook could have accepted; otherwise the problems, field by field. */
export function checkQueuedEvent(data: unknown): { event: AlertEvent } | { problem: InvalidPayload } {
  const parsed = queuedEventSchema.safeParse(data);
  return parsed.success ? { event: parsed.data } : { problem: invalidPayload(parsed.error, 'the queued event') };
}
