import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';

export const BODY_LIMIT_BYTES = 256 * 1024;

/**
 * The HTTP shell every route plugin is registered in: JSON bodies kept raw as well (signatures are
 * computed over the exact bytes), and every error answered as `{error, details}`.
 */
export function buildServer(logger: Logger): FastifyInstance {
  const app: FastifyInstance = Fastify({ loggerInstance: logger as FastifyBaseLogger, bodyLimit: BODY_LIMIT_BYTES, logController: new LogController({ disableRequestLogging: true }) });

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
