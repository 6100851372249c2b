import type { FastifyInstance } from 'fastify';
import { requires } from '../auth/guard.ts';
import type { AccountId } from '../incidents/accounts.ts';
import type { AccountGuards } from './account-guards.ts';

/** One account as its routes see it: its id, its guards, and how it posts (`x`, `dry-run`, ...). */
export interface GuardedAccountEntry {
  id: AccountId;
  guards: AccountGuards;
  mode: string;
}

export interface AccountRoutesDeps {
  /** Every account, the default (`x`) first. */
  accounts: readonly GuardedAccountEntry[];
}

/**
 * Every account on every network, beside `/healthz/x` (the default account): `GET /healthz/accounts`
 * (no token; 503 while any account is blocked, naming it), `GET /api/accounts` with each budget,
 * and `POST /api/accounts/:id/resume` (the default account's id is `x`).
 */
export async function accountRoutes(app: FastifyInstance, deps: AccountRoutesDeps) {
  const find = (id: string) => deps.accounts.find((e) => e.id === id);

  app.get('/healthz/accounts', async (_request, reply) => {
    const accounts = await Promise.all(
      deps.accounts.map(async ({ guards, mode }) => {
        const view = await guards.account.view();
        return { account: view.account, network: guards.network, mode, status: view.status, reason: view.reason, since: view.since, rateLimitedUntil: view.rateLimitedUntil };
      }),
    );
    const blocked = accounts.filter((a) => a.status === 'blocked');
    return reply.code(blocked.length > 0 ? 503 : 200).send({ status: blocked.length > 0 ? 'blocked' : 'posting', blocked: blocked.map((a) => a.account), accounts });
  });

  await app.register(async (api) => {
    api.get('/api/accounts', requires('view'), async () =>
      Promise.all(
        deps.accounts.map(async ({ guards, mode }) => {
          const [view, posts, reads] = await Promise.all([guards.account.view(), guards.budget.view(), guards.reads.view()]);
          return { ...view, network: guards.network, mode, posts, reads };
        }),
      ),
    );

    api.post<{ Params: { id: string } }>('/api/accounts/:id/resume', requires('admin'), async (request, reply) => {
      const entry = find(request.params.id);
      if (!entry) return reply.code(404).send({ error: `no account ${request.params.id}`, details: [`known: ${deps.accounts.map((e) => e.id).join(', ')}`] });
      const before = await entry.guards.account.view();
      if (before.status === 'blocked') {
        await entry.guards.account.unblock(`a person, through POST /api/accounts/${request.params.id}/resume`);
        request.log.warn({ account: before.account, was: before.reason }, 'posting resumed by a person; if the network still refuses, it stops again');
      }
      return { ...(await entry.guards.account.view()), network: entry.guards.network, resumed: before.status === 'blocked' };
    });
  });
}
