import { randomBytes } from 'node:crypto';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RedisClient } from '../redis/connect.ts';
import { resolvePrincipal, SESSION_COOKIE, type PrincipalDeps } from './principal.ts';

export const CSRF_COOKIE = '_csrf';

/** What a CSRF token is bound to: the session cookie, or one shared value before sign-in (the library refuses an empty one). */
const sessionOf = (request: FastifyRequest): string => request.cookies[SESSION_COOKIE] || 'signed-out';

/**
 * One key for every herald process of a deployment (CSRF tokens are checked by whichever process
 * a load balancer picks), made once and kept in Redis.
 */
async function csrfKey(redis: RedisClient, prefix: string): Promise<string> {
  const key = `${prefix}:csrf-hmac-key`;
  await redis.set(key, randomBytes(32).toString('base64url'), 'NX');
  return (await redis.get(key))!;
}

/**
 * Cookies, CSRF and the principal of every request, on the root server so every route plugin
 * (console, API, Bull Board, metrics) sees the same `request.principal`. CSRF tokens are bound to
 * the session cookie (`getUserInfo`), so a token made for one session, or before sign-in, is
 * refused in another.
 */
export async function registerPrincipals(server: FastifyInstance, deps: PrincipalDeps & { redis: RedisClient; prefix: string }) {
  await server.register(cookie);
  await server.register(csrf, {
    cookieKey: CSRF_COOKIE,
    cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true, secure: true },
    getUserInfo: sessionOf,
    csrfOpts: { hmacKey: await csrfKey(deps.redis, deps.prefix), userInfo: true },
  });
  server.decorateRequest('principal', null);
  server.decorateRequest('basicPrincipal', null);
  server.addHook('onRequest', resolvePrincipal(deps));
}

/** A CSRF token for the page being sent, bound to the session the request carries (or to none). */
export function csrfToken(request: FastifyRequest, reply: FastifyReply): string {
  return reply.generateCsrf({ userInfo: sessionOf(request) });
}
