/**
 * Who may do what, in one table. A monitoring source's secret is no principal at all: it opens
 * only its own `/webhooks/<source>` route (ingest/), never anything here.
 *
 * - `view`: drafts, incidents, journals, reports, the posting budget, Bull Board read-only.
 * - `decide`: edit, approve, reject, write posts by hand, edit journals.
 * - `audit`: the audit log.
 * - `admin`: change queues in Bull Board (pause, add, retry, clean), resume posting after X refused.
 * - `scrape`: `GET /metrics`.
 */
export type Permission = 'view' | 'decide' | 'audit' | 'admin' | 'scrape';

/** What a person in the users file may be (auth/users.ts). */
export const CONSOLE_ROLES = ['viewer', 'approver', 'admin'] as const;
export type ConsoleRole = (typeof CONSOLE_ROLES)[number];

/** Console roles, plus `metrics` for whoever holds `HERALD_METRICS_TOKEN` (Prometheus). */
export type Role = ConsoleRole | 'metrics';

const GRANTS: Readonly<Record<Role, readonly Permission[]>> = {
  viewer: ['view'],
  approver: ['view', 'decide'],
  admin: ['view', 'decide', 'audit', 'admin', 'scrape'],
  metrics: ['scrape'],
};

export const can = (role: Role, permission: Permission): boolean => GRANTS[role].includes(permission);

/**
 * Who is asking: a signed-in person, or automation holding `HERALD_API_TOKEN` (an admin) or
 * `HERALD_METRICS_TOKEN`. `token` came as `Authorization: Bearer` (no page of another site can
 * send it); `basic` as a basic-auth password, which a browser keeps and sends on its own, so it
 * only reads, and only where basic auth is the convention (auth/guard.ts).
 */
export interface Principal {
  name: string;
  role: Role;
  via: 'session' | 'token' | 'basic';
}

export const API_TOKEN_ACTOR = 'api-token';
export const METRICS_TOKEN_ACTOR = 'metrics-token';
