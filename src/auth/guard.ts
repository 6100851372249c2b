import type {} from '@fastify/csrf-protection';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorBody, HeraldError } from '../errors.ts';
import { can, type Permission } from './access.ts';

const CHALLENGE = 'Basic realm="herald", charset="UTF-8"';

export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A refusal answered on the spot, coded as the one error handler would answer it: for hooks that
 * run where that handler is not the one in force (Bull Board's routes have their own, which would
 * make a thrown refusal a 500).
 */
export const refuse = (reply: FastifyReply, error: HeraldError) => reply.code(error.status).send(errorBody(error));

/**
 * The check behind every route that needs someone: 401 without credentials (with a basic-auth
 * challenge where a browser should ask, as for Bull Board), 403 without the permission. An
 * onRequest hook, so nobody's body is read before they are known.
 */
export function authorize(permission: Permission | ((request: FastifyRequest) => Permission), options: { challenge?: boolean } = {}) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const who = request.principal;
    if (!who) {
      if (options.challenge) reply.header('www-authenticate', CHALLENGE);
      return refuse(reply, new HeraldError('HERALD_UNAUTHENTICATED', 'sign in, or send Authorization: Bearer $HERALD_API_TOKEN'));
    }
    const needed = typeof permission === 'function' ? permission(request) : permission;
    if (!can(who.role, needed)) return refuse(reply, new HeraldError('HERALD_FORBIDDEN', `${who.name} is a ${who.role} and may not do this`, { details: [`needs permission: ${needed}`] }));
  };
}

/**
 * A browser session must send a CSRF token (bound to that session, auth/plugin.ts) on anything
 * that changes state; a bearer token cannot be sent by another site's page, so it needs none.
 */
function csrfForSessions(request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) {
  if (request.principal?.via === 'session' && !SAFE_METHODS.has(request.method)) return request.server.csrfProtection(request, reply, done);
  done();
}

/** What a route needs, declared where the route is: `app.get(path, requires('view'), handler)`. */
export function requires(permission: Permission) {
  return { onRequest: authorize(permission), preHandler: csrfForSessions };
}
