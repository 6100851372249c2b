import type { AuditEntry } from '../incidents/model.ts';
import type { IncidentStore } from '../incidents/store.ts';
import type { SessionStore } from '../auth/sessions.ts';

export type AuditRow = AuditEntry & { incident?: string };

/**
 * The admins' view of everything done: each incident's own audit log (kept in its record, written
 * in the same step as the change) merged with sign-ins and sign-outs, newest first.
 */
export async function auditLog(store: IncidentStore, sessions: SessionStore, limit: number): Promise<AuditRow[]> {
  const keys = await store.recentKeys(Math.min(500, limit));
  const incidents = await Promise.all(keys.map((k) => store.get(k)));
  const rows: AuditRow[] = incidents.flatMap((i) => (i?.audit ?? []).map((entry) => ({ ...entry, incident: i!.key })));
  rows.push(...(await sessions.accountLog(limit)));
  return rows.sort((a, b) => Date.parse(b.at) - Date.parse(a.at)).slice(0, limit);
}
