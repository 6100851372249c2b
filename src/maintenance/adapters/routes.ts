import type { FastifyInstance } from 'fastify';
import { requires } from '../../auth/guard.ts';
import { invalidPayload } from '../../errors.ts';
import { changeSchema, scheduleSchema } from '../input.ts';
import { maintenanceView } from '../view.ts';
import type { Maintenance } from './service.ts';
import type { z } from 'zod';

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw invalidPayload(parsed.error, 'the body');
  return parsed.data;
}

/**
 * The maintenance API, with the console's roles (the API token, or a signed-in editor). Pinned
 * (a check relies on it): POST /api/maintenance → 201 {key, state}.
 */
export async function maintenanceApi(app: FastifyInstance, deps: { maintenance: Maintenance; now?: () => number }) {
  const { maintenance } = deps;
  const now = deps.now ?? Date.now;
  const guard = requires;
  const actor = (request: { principal: { name: string } | null }) => request.principal!.name;

  app.post('/api/maintenance', guard('decide'), async (request, reply) => {
    const incident = await maintenance.schedule(actor(request), parse(scheduleSchema, request.body));
    return reply.code(201).send(maintenanceView(incident, now()));
  });

  app.get('/api/maintenance', guard('view'), async () => (await maintenance.list()).map((i) => maintenanceView(i, now())));

  app.get<{ Params: { key: string } }>('/api/maintenance/:key', guard('view'), async (request) => maintenanceView(await maintenance.get(request.params.key), now()));

  app.patch<{ Params: { key: string } }>('/api/maintenance/:key', guard('decide'), async (request) => {
    const incident = await maintenance.change(actor(request), request.params.key, parse(changeSchema, request.body));
    return maintenanceView(incident, now());
  });

  app.post<{ Params: { key: string } }>('/api/maintenance/:key/done', guard('decide'), async (request) => maintenanceView(await maintenance.finish(actor(request), request.params.key), now()));

  app.post<{ Params: { key: string } }>('/api/maintenance/:key/cancel', guard('decide'), async (request) => maintenanceView(await maintenance.cancel(actor(request), request.params.key), now()));
}
