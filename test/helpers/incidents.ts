import { applyEvents, type AlertMark, type AppliedBatch } from '../../src/incidents/alert-rules.ts';
import type { AlertEvent, Incident } from '../../src/incidents/model.ts';
import type { IncidentRules } from '../../src/incidents/rules.ts';

/** An open KakaoTalk messaging incident as the store holds it, for tests that write records directly. */
export const storedIncident = (key: string, overrides: Partial<Incident> = {}): Incident => ({
  key,
  service: 'KakaoTalk',
  feature: 'messaging',
  severity: 'major',
  state: 'open',
  openedAt: '2026-05-20T00:00:00.000+09:00',
  firstSeenAt: '2026-05-19T15:00:00.000Z',
  events: 1,
  posts: [],
  ...overrides,
});

/** Applies batches of events one after the other, keeping the alert marks as the store would; the ids of the posts they scheduled. */
export function foldBatches(batches: AlertEvent[][], rules: IncidentRules): { incident: Incident; scheduled: string[] } {
  let incident: Incident | null = null;
  const marks = new Map<string, AlertMark>();
  const scheduled: string[] = [];
  for (const batch of batches) {
    const applied: AppliedBatch = applyEvents(incident, batch, rules, marks)!;
    for (const [id, mark] of applied.marks) marks.set(id, mark);
    incident = applied.incident;
    scheduled.push(...applied.scheduled.map((p) => p.id));
  }
  return { incident: incident!, scheduled };
}
