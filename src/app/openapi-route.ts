import type { FastifyInstance } from 'fastify';
import { openapiDocument } from './openapi.ts';

/**
 * `GET /api/openapi.json`, open to anyone like the docs it mirrors: it describes routes, never data,
 * and every route it names still asks for its own credentials. Built on first request, then kept.
 */
export async function openapiRoutes(app: FastifyInstance): Promise<void> {
  let body: string | undefined;
  app.get('/api/openapi.json', async (_request, reply) => {
    body ??= JSON.stringify(openapiDocument());
    return reply.type('application/json; charset=utf-8').header('cache-control', 'public, max-age=300').send(body);
  });
}
