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

/** A login outage of an hour, announced, one update withdrawn and a resolution reply (the journal's tests). */
export const resolvedIncident: Incident = {
  key: 'talk-login-1',
  service: 'KakaoTalk',
  feature: 'login',
  severity: 'major',
  state: 'resolved',
  openedAt: '2026-05-20T00:00:00.000Z',
  firstSeenAt: '2026-05-20T00:01:00.000Z',
  resolvedAt: '2026-05-20T01:00:00.000Z',
  events: 3,
  posts: [
    { id: 'open', kind: 'open', status: 'posted', dueAt: '2026-05-20T00:03:00.000Z', attempts: 1, text: 'Login trouble', tweetId: '100', postedAt: '2026-05-20T00:03:30.000Z' },
    { id: 'update-1', kind: 'update', status: 'cancelled', dueAt: '2026-05-20T00:59:00.000Z', attempts: 0, note: 'resolved before the update went out' },
    { id: 'resolved-1', kind: 'resolved', status: 'posted', dueAt: '2026-05-20T01:00:05.000Z', attempts: 1, text: 'Fixed', tweetId: '101', inReplyTo: '100', postedAt: '2026-05-20T01:00:10.000Z' },
  ],
};
