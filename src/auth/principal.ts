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
    /** Who a basic-auth password names: only routes where basic auth is the convention take it (auth/guard.ts). */
    basicPrincipal: Principal | null;
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
 * but the webhooks, which are registered apart: app/api-side.ts). A bearer token is matched against
 * `HERALD_API_TOKEN` and `HERALD_METRICS_TOKEN`; without one, the session cookie. A basic-auth
 * password (what Prometheus and a browser's prompt send) is matched too but kept apart, as
 * `basicPrincipal`: a browser sends it with every request to herald, whoever's page asked, so only
 * the routes that challenge for it (`/metrics`, Bull Board) take it, and only to read. Monitoring
 * secrets are deliberately not consulted: they are checked by their own webhook route only.
 * The role comes from the users file at each request, not from the session, so a person removed
 * from the file loses access at the next start.
 */
export function resolvePrincipal(deps: PrincipalDeps) {
  const isApiToken = secretMatcher(deps.apiToken);
  const isMetricsToken = secretMatcher(deps.metricsToken);
  const tokenPrincipal = (token: string, via: 'token' | 'basic'): Principal | null => {
    if (isApiToken(token)) return { name: API_TOKEN_ACTOR, role: 'admin', via };
    if (isMetricsToken(token)) return { name: METRICS_TOKEN_ACTOR, role: 'metrics', via };
    return null;
  };
  return async (request: FastifyRequest) => {
    request.principal = null;
    request.basicPrincipal = null;
    const bearer = bearerToken(request.headers);
    if (bearer !== undefined) {
      request.principal = tokenPrincipal(bearer, 'token');
      return;
    }
    const basic = basicPassword(request.headers);
    if (basic !== undefined) request.basicPrincipal = tokenPrincipal(basic, 'basic');
    const cookie = request.cookies?.[SESSION_COOKIE];
    if (cookie === undefined || !deps.sessions) return;
    const session = await deps.sessions.get(cookie);
    const user = session && deps.users.find((u) => u.name === session.user);
    if (user) request.principal = { name: user.name, role: user.role, via: 'session' };
  };
}
