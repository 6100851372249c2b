import type { Server } from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyHttpOptions, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';

export const BODY_LIMIT_BYTES = 256 * 1024;

export interface ServerLimits {
  /** Headers and body must have arrived within this; an idle socket is closed after it too. */
  requestTimeoutMs?: number;
  /** fastify's `trustProxy`: whose X-Forwarded-For gives `request.ip` (HERALD_TRUST_PROXY). */
  trustProxy?: boolean | number | string;
}

/**
 * Node checks request timeouts every `connectionsCheckingInterval` (30 s by default), so a slow
 * sender could outlive the timeout by that much: checking at a quarter of it keeps the overrun small.
 */
function timeouts(requestTimeoutMs: number) {
  return {
    requestTimeout: requestTimeoutMs,
    connectionTimeout: requestTimeoutMs,
    http: { requestTimeout: requestTimeoutMs, headersTimeout: Math.min(60_000, requestTimeoutMs), connectionsCheckingInterval: Math.max(250, Math.min(30_000, Math.round(requestTimeoutMs / 4))) },
  };
}

/**
 * The HTTP shell every route plugin is registered in: JSON bodies kept raw as well (signatures are
 * computed over the exact bytes), and every error answered as `{error, details}`.
 */
export function buildServer(logger: Logger, limits: ServerLimits = {}): FastifyInstance {
  const options: FastifyHttpOptions<Server> = {
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT_BYTES,
    logController: new LogController({ disableRequestLogging: true }),
    // A hop count is valid for fastify (proxy-addr) though its types name only the other forms.
    trustProxy: (limits.trustProxy ?? false) as boolean | string,
    ...timeouts(limits.requestTimeoutMs ?? 30_000),
  };
  const app: FastifyInstance = Fastify(options);

  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    request.rawBody = text;
    try {
      done(null, text.length === 0 ? undefined : JSON.parse(text));
    } catch (err) {
      const error = new Error(`the body is not valid JSON: ${(err as Error).message}`) as FastifyError;
      error.statusCode = 400;
      done(error, undefined);
    }
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      const unavailable = /Connection is closed|Stream isn't writeable|ECONNREFUSED|enableOfflineQueue/i.test(error.message);
      return reply
        .code(unavailable ? 503 : 500)
        .send({ error: unavailable ? 'Redis is not reachable; nothing was accepted, please retry' : 'internal error; nothing was accepted', details: [] });
    }
    const limit = request.routeOptions.bodyLimit ?? BODY_LIMIT_BYTES;
    const message = error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? `the body is larger than ${limit} bytes` : error.message;
    return reply.code(status).send({ error: message, details: error.code ? [error.code] : [] });
  });

  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: `no route ${request.method} ${request.url}`, details: [] }));
  return app;
}
