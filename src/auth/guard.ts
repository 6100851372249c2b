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
 * A basic-auth password is what a browser keeps after its prompt and sends with every request to
 * herald, whichever site's page made it: a change asked with one could be another site's form.
 */
function browserCredentialsRefused(): HeraldError {
  return new HeraldError('HERALD_BROWSER_CREDENTIALS', 'basic-auth credentials only read: a browser sends them on its own, so a change must come with Authorization: Bearer or from a signed-in session', {
    details: ['basic auth is taken by GET /metrics and Bull Board reads only (docs/security.md)'],
  });
}

/**
 * The check behind every route that needs someone: 401 without credentials, 403 without the
 * permission. Where basic auth is the convention (`basicAuth`: Prometheus scrapes, Bull Board in a
 * browser) a basic-auth password counts, to read only, and a 401 carries the challenge so that a
 * browser asks. An onRequest hook, so nobody's body is read before they are known.
 */
export function authorize(permission: Permission | ((request: FastifyRequest) => Permission), options: { basicAuth?: boolean } = {}) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.principal && request.basicPrincipal) {
      // Answered here, not thrown: Bull Board's plugin has an error handler of its own.
      if (!SAFE_METHODS.has(request.method)) return refuse(reply, browserCredentialsRefused());
      if (options.basicAuth) request.principal = request.basicPrincipal;
    }
    const who = request.principal;
    if (!who) {
      if (options.basicAuth) reply.header('www-authenticate', CHALLENGE);
      return refuse(reply, new HeraldError('HERALD_UNAUTHENTICATED', 'sign in, or send Authorization: Bearer $HERALD_API_TOKEN'));
    }
    const needed = typeof permission === 'function' ? permission(request) : permission;
    if (!can(who.role, needed)) return refuse(reply, new HeraldError('HERALD_FORBIDDEN', `${who.name} is a ${who.role} and may not do this`, { details: [`needs permission: ${needed}`] }));
  };
}

/** Whether a request carries a body at all (a POST with none, such as an approval, needs no type). */
const hasBody = (request: FastifyRequest): boolean =>
  request.headers['transfer-encoding'] !== undefined || (request.headers['content-length'] !== undefined && request.headers['content-length'] !== '0');

/**
 * `/api/*` reads JSON only: a form or `text/plain` body is what another site's page can send
 * without asking the browser first (a CORS "simple request"), JSON is not.
 */
async function jsonBodiesOnly(request: FastifyRequest) {
  if (SAFE_METHODS.has(request.method)) return;
  const type = request.headers['content-type'];
  const mediaType = type?.split(';')[0]!.trim().toLowerCase();
  if (mediaType === 'application/json' || (type === undefined && !hasBody(request))) return;
  throw new HeraldError('HERALD_JSON_ONLY', `the API takes JSON bodies only, not ${type === undefined ? 'a body without Content-Type' : JSON.stringify(type)}`, {
    status: 415,
    details: ['send Content-Type: application/json'],
  });
}

/**
 * A browser session must send a CSRF token (bound to that session, auth/plugin.ts) on anything
 * that changes state; a bearer token cannot be sent by another site's page, so it needs none.
 */
function csrfForSessions(request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) {
  if (request.principal?.via === 'session' && !SAFE_METHODS.has(request.method)) return request.server.csrfProtection(request, reply, done);
  done();
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The permission a route `requires`: read back from the route table by the OpenAPI document's test. */
    permission?: Permission;
  }
}

/** What an `/api/*` route needs, declared where the route is: `app.get(path, requires('view'), handler)`. JSON bodies only. */
export function requires(permission: Permission) {
  return { config: { permission }, onRequest: [authorize(permission), jsonBodiesOnly], preHandler: csrfForSessions };
}
