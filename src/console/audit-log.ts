import type { AuditEntry } from '../incidents/model.ts';
import type { IncidentStore } from '../incidents/store.ts';
import type { SessionStore } from '../auth/sessions.ts';
import { pageOf, type Paged } from '../paging.ts';

export type AuditRow = AuditEntry & { incident?: string };

/** The most recent incidents whose entries the audit log merges: older ones are in their own journals. */
const AUDITED_INCIDENTS = 500;

/**
 * The admins' view of everything done: each incident's own audit log (kept in its record, written
 * in the same step as the change) merged with sign-ins and sign-outs, newest first.
 */
async function auditLog(store: Pick<IncidentStore, 'recentKeys' | 'getMany'>, sessions: SessionStore, limit: number): Promise<AuditRow[]> {
  const incidents = await store.getMany(await store.recentKeys(AUDITED_INCIDENTS));
  const rows: AuditRow[] = incidents.flatMap((i) => (i.audit ?? []).map((entry) => ({ ...entry, incident: i.key })));
  rows.push(...(await sessions.accountLog(limit)));
  return rows.sort((a, b) => Date.parse(b.at) - Date.parse(a.at)).slice(0, limit);
}

/** One page of the audit log, `size` rows, newest first. */
export async function auditPage(store: Pick<IncidentStore, 'recentKeys' | 'getMany'>, sessions: SessionStore, page: number, size: number): Promise<Paged<AuditRow>> {
  const rows = await auditLog(store, sessions, page * size + 1);
  const paged = pageOf(rows, page, size);
  // The log is read up to this page (and one row more), so its length is no total.
  return { items: paged.items, page, hasNext: paged.hasNext };
}
