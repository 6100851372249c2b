import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { errorBody, HeraldError } from '../errors.ts';

const DIR = new URL('./assets/', import.meta.url);
const TYPES: Record<string, string> = { '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png' };

const read = (name: string) => ({ body: readFileSync(new URL(name, DIR)), type: TYPES[name.slice(name.lastIndexOf('.'))]! });

/**
 * The console's stylesheet and script: two small files, read once, served without a build step.
 * And herald's icon, for the console and the status page alike: `/favicon.ico` is where browsers
 * look without being told (a PNG there is read as one; favicon.png is favicon.svg drawn at 32 px).
 */
export async function consoleAssets(app: FastifyInstance) {
  const files = new Map(['console.css', 'console.js', 'favicon.svg'].map((name) => [name, read(name)]));
  app.get<{ Params: { file: string } }>('/console/assets/:file', async (request, reply) => {
    const file = files.get(request.params.file);
    // Answered here: the console pages' error handler would make a missing script an HTML page.
    if (!file) return reply.code(404).send(errorBody(new HeraldError('HERALD_NOT_FOUND', `no asset ${request.params.file}`)));
    return reply.type(file.type).header('cache-control', 'public, max-age=300').send(file.body);
  });
  const icon = read('favicon.png');
  app.get('/favicon.ico', async (_request, reply) => reply.type(icon.type).header('cache-control', 'public, max-age=86400').send(icon.body));
}
