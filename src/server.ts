import type { Server } from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyHttpOptions, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { codeForStatus, errorBody, HeraldError, RedisUnavailableError } from './errors.ts';

export const BODY_LIMIT_BYTES = 256 * 1024;

/** A host name, an IPv4 address or a bracketed IPv6 one, with an optional port (RFC 9110 `Host`, without the oddities). */
const HOST_HEADER = /^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,252})|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

export interface ServerOptions {
  /**
   * Whether the Redis connection requests use can take commands. A request that fails while it
   * cannot is answered 503 (retry later) rather than 500; ioredis's "connection is closed" errors
   * have no class of their own, so the connection's state says it, not the message.
   */
  redisReady?: () => boolean;
  /** Headers and body must have arrived within this; an idle socket is closed after it too. */
  requestTimeoutMs?: number;
  /** fastify's `trustProxy`: whose X-Forwarded-For gives `request.ip` (HERALD_TRUST_PROXY). */
  trustProxy?: boolean | number | string;
}

/**
 * Node checks request timeouts every `connectionsCheckingInterval` (30 s by default), so a slow
 * sender could outlive the timeout by that much: checking at a quarter of it keeps the overrun small.
 * An idle keep-alive connection is closed after the same time, and the `Keep-Alive` header says so:
 * with fastify's default (72 s) clients were told to reuse a connection herald had already closed,
 * and their next webhook failed with the connection reset.
 */
function timeouts(requestTimeoutMs: number) {
  return {
    requestTimeout: requestTimeoutMs,
    connectionTimeout: requestTimeoutMs,
    keepAliveTimeout: requestTimeoutMs,
    http: { requestTimeout: requestTimeoutMs, headersTimeout: Math.min(60_000, requestTimeoutMs), connectionsCheckingInterval: Math.max(250, Math.min(30_000, Math.round(requestTimeoutMs / 4))) },
  };
}

/**
 * The HTTP shell every route plugin is registered in: JSON bodies kept raw as well (signatures are
 * computed over the exact bytes), and every error answered as `{error, details, code}` by the one error
 * handler below: herald's coded errors (src/errors.ts) with their own status, fastify's 4xx with
 * theirs, anything else as a 500 that says nothing was accepted.
 */
export function buildServer(logger: Logger, options: ServerOptions = {}): FastifyInstance {
  const fastifyOptions: FastifyHttpOptions<Server> = {
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT_BYTES,
    logController: new LogController({ disableRequestLogging: true }),
    // A hop count is valid for fastify (proxy-addr) though its types name only the other forms.
    trustProxy: (options.trustProxy ?? false) as boolean | string,
    ...timeouts(options.requestTimeoutMs ?? 30_000),
  };
  const app: FastifyInstance = Fastify(fastifyOptions);

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

  app.setErrorHandler((caught: FastifyError | HeraldError, request, reply) => {
    const unexpected = !(caught instanceof HeraldError) && (caught.statusCode ?? 500) >= 500;
    const redisDown = unexpected && options.redisReady !== undefined && !options.redisReady();
    const error = redisDown ? new RedisUnavailableError(undefined, { cause: caught }) : caught;
    if (error instanceof HeraldError) {
      if (error.status >= 500) request.log.error({ err: caught, code: error.code }, 'request failed');
      return reply.code(error.status).send(errorBody(error));
    }
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply.code(500).send({ error: 'internal error; nothing was accepted', details: [] });
    }
    const limit = request.routeOptions.bodyLimit ?? BODY_LIMIT_BYTES;
    const message = error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? `the body is larger than ${limit} bytes` : error.message;
    // fastify's own refusals keep their status and their code (in details), and gain herald's.
    return reply.code(status).send(errorBody(new HeraldError(codeForStatus(status), message, { status, details: error.code ? [error.code] : [] })));
  });

  // A Host header is the client's own words: herald never builds a link from it (config's publicUrl),
  // and one that is no host name at all is refused here, coded, before any route reads it.
  app.addHook('onRequest', async (request) => {
    const host = request.headers.host;
    if (host !== undefined && !HOST_HEADER.test(host)) {
      throw new HeraldError('HERALD_INVALID_PAYLOAD', 'the Host header is not a host name with an optional port', { details: ['host'] });
    }
  });

  app.setNotFoundHandler((request, reply) => reply.code(404).send(errorBody(new HeraldError('HERALD_NOT_FOUND', `no route ${request.method} ${request.url}`))));
  return app;
}
