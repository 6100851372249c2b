import type { FastifyReply, FastifyRequest } from 'fastify';
import { bearerToken, secretsMatch } from '../ingest/auth.ts';

/**
 * Who may open the admin pages (Bull Board). One function, so the console's sign-in can replace
 * it: until then, the API token, either as a bearer token or as the password of HTTP basic auth
 * (any user name), which lets a browser open the pages.
 */
export type AdminAuth = (request: FastifyRequest) => boolean;

export function tokenAdminAuth(tokens: readonly (string | undefined)[]): AdminAuth {
  return (request) => {
    const given = bearerToken(request.headers) ?? basicPassword(request.headers.authorization);
    return tokens.some((token) => secretsMatch(given, token));
  };
}

function basicPassword(header: string | undefined): string | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}

/** An onRequest hook that answers 401 (with a basic-auth challenge for browsers) unless `auth` lets the request in. */
export function requireAdmin(auth: AdminAuth) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (auth(request)) return;
    return reply
      .code(401)
      .header('www-authenticate', 'Basic realm="herald admin", charset="UTF-8"')
      .send({ error: 'sign in with the API token (bearer, or as the basic-auth password)', details: [] });
  };
}
