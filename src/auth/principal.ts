import type {} from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';
import type { SessionStore } from './sessions.ts';
import type { ConsoleUser } from './users.ts';
import { basicPassword, bearerToken, secretMatcher } from './secrets.ts';
import { API_TOKEN_ACTOR, METRICS_TOKEN_ACTOR, type Principal } from './access.ts';

export const SESSION_COOKIE = 'herald_session';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export interface PrincipalDeps {
  users: readonly ConsoleUser[];
  /** Absent on the metrics port, which has no console. */
  sessions?: SessionStore;
  apiToken?: string;
  metricsToken?: string;
}

/**
 * The one place that decides who is calling, once per request (an onRequest hook on every route
 * but the webhooks, which are registered apart: app/api-side.ts). A bearer token or a basic-auth
 * password (what browsers and Prometheus send) is matched against `HERALD_API_TOKEN` and
 * `HERALD_METRICS_TOKEN`; without one, the session cookie. Monitoring
 * secrets are deliberately not consulted: they are checked by their own webhook route only.
 * The role comes from the users file at each request, not from the session, so a person removed
 * from the file loses access at the next start.
 */
export function resolvePrincipal(deps: PrincipalDeps) {
  const isApiToken = secretMatcher(deps.apiToken);
  const isMetricsToken = secretMatcher(deps.metricsToken);
  return async (request: FastifyRequest) => {
    request.principal = null;
    const token = bearerToken(request.headers) ?? basicPassword(request.headers);
    if (token !== undefined) {
      if (isApiToken(token)) request.principal = { name: API_TOKEN_ACTOR, role: 'admin', via: 'token' };
      else if (isMetricsToken(token)) request.principal = { name: METRICS_TOKEN_ACTOR, role: 'metrics', via: 'token' };
      return;
    }
    const cookie = request.cookies?.[SESSION_COOKIE];
    if (cookie === undefined || !deps.sessions) return;
    const session = await deps.sessions.get(cookie);
    const user = session && deps.users.find((u) => u.name === session.user);
    if (user) request.principal = { name: user.name, role: user.role, via: 'session' };
  };
}
