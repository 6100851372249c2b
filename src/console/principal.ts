import type {} from '@fastify/cookie';
import type {} from '@fastify/csrf-protection';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { bearerToken, secretsMatch } from '../ingest/auth.ts';
import type { SessionStore } from './sessions.ts';
import { can, type ConsoleRole, type ConsoleUser, type Permission } from './users.ts';

/** Who is asking: a signed-in person, or automation holding `HERALD_API_TOKEN` (an admin). */
export interface Principal {
  name: string;
  role: ConsoleRole;
  via: 'session' | 'token';
}

export const SESSION_COOKIE = 'herald_session';
export const API_TOKEN_ACTOR = 'api-token';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export interface PrincipalDeps {
  users: readonly ConsoleUser[];
  sessions: SessionStore;
  apiToken?: string;
}

/**
 * Resolves the principal of every request once. The role comes from the users file at each
 * request, not from the session, so a person removed from the file loses access at the next start.
 */
export function resolvePrincipal(deps: PrincipalDeps) {
  return async (request: FastifyRequest) => {
    request.principal = null;
    const token = bearerToken(request.headers);
    if (token !== undefined) {
      if (secretsMatch(token, deps.apiToken)) request.principal = { name: API_TOKEN_ACTOR, role: 'admin', via: 'token' };
      return;
    }
    const session = await deps.sessions.get(request.cookies[SESSION_COOKIE]);
    const user = session && deps.users.find((u) => u.name === session.user);
    if (user) request.principal = { name: user.name, role: user.role, via: 'session' };
  };
}

type Csrf = (request: FastifyRequest, reply: FastifyReply, done: () => void) => void;

/**
 * preHandlers for the JSON API: 401 without credentials, 403 without the permission, and for a
 * session (a browser) a CSRF token on anything that changes state. A bearer token cannot be sent
 * by another site's page, so it needs none.
 */
export function apiGuard(permission: Permission, csrf: Csrf) {
  const guard = async (request: FastifyRequest, reply: FastifyReply) => {
    const who = request.principal;
    if (!who) return reply.code(401).send({ error: 'sign in, or send Authorization: Bearer $HERALD_API_TOKEN', details: [] });
    if (!can(who.role, permission)) return reply.code(403).send({ error: `${who.name} is a ${who.role} and may not do this`, details: [`needs permission: ${permission}`] });
  };
  const csrfForSessions: Csrf = (request, reply, done) => {
    if (request.principal?.via === 'session' && request.method !== 'GET') return csrf(request, reply, done);
    done();
  };
  return [guard, csrfForSessions];
}
