import type { FastifyInstance } from 'fastify';
import { requires } from '../auth/guard.ts';
import { HeraldError } from '../errors.ts';
import type { AccountId } from '../incidents/accounts.ts';
import type { IncidentStore } from '../incidents/store.ts';
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
  /** To tell which refused posts still wait for a person. */
  store: Pick<IncidentStore, 'get'>;
}

/** An account's states, most serious first: the overall status of `/healthz/accounts` is the worst one. */
const SERIOUSNESS = ['redis-data-lost', 'blocked', 'refused', 'x-unavailable', 'rate-limited', 'posting'] as const;
type AccountHealth = (typeof SERIOUSNESS)[number];

/** Every account's state, as `/healthz/accounts` and the `herald_account_state` metric give it. */
export async function accountsHealth(deps: AccountRoutesDeps) {
  return Promise.all(
    deps.accounts.map(async ({ guards, mode }) => {
      const [view, refused] = await Promise.all([guards.account.view(), guards.refused.waiting(deps.store)]);
      // A post refused for good needs a person, more than a state that heals by itself.
      const status: AccountHealth = refused.length > 0 && SERIOUSNESS.indexOf('refused') < SERIOUSNESS.indexOf(view.status) ? 'refused' : view.status;
      const reason = status === 'refused' ? `${refused.length} post(s) refused for good wait as drafts in the console` : view.reason;
      return { account: view.account, network: guards.network, mode, status, reason, since: view.since, rateLimitedUntil: view.rateLimitedUntil, ...(view.held && { lost: view.held.lost }), ...(refused.length > 0 && { refused }), ...(view.startCheck && { startCheck: view.startCheck }) };
    }),
  );
}

/**
 * Every account on every network, beside `/healthz/x` (the default account): `GET /healthz/accounts`
 * (no token; 503 while any account does not post, naming it), `GET /api/accounts` with each
 * budget, and `POST /api/accounts/:id/resume` (the default account's id is `x`).
 */
export async function accountRoutes(app: FastifyInstance, deps: AccountRoutesDeps) {
  const find = (id: string) => deps.accounts.find((e) => e.id === id);

  app.get('/healthz/accounts', async (_request, reply) => {
    const accounts = await accountsHealth(deps);
    const stopped = accounts.filter((a) => a.status !== 'posting');
    const worst = SERIOUSNESS.find((s) => accounts.some((a) => a.status === s)) ?? 'posting';
    return reply.code(stopped.length > 0 ? 503 : 200).send({
      status: worst,
      stopped: stopped.map((a) => a.account),
      blocked: accounts.filter((a) => a.status === 'blocked').map((a) => a.account),
      accounts,
    });
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
      if (!entry) throw new HeraldError('HERALD_NOT_FOUND', `no account ${request.params.id}`, { details: [`known: ${deps.accounts.map((e) => e.id).join(', ')}`] });
      const before = await entry.guards.account.view();
      // A hold after a Redis data loss is lifted first: a person has now looked at what was lost.
      const released = await entry.guards.account.release();
      if (released) request.log.warn({ account: before.account, lost: before.held?.lost.length ?? 0 }, 'posting resumed by a person after Redis lost data');
      if (before.status === 'blocked') {
        await entry.guards.account.unblock(`a person, through POST /api/accounts/${request.params.id}/resume`);
        request.log.warn({ account: before.account, was: before.reason }, 'posting resumed by a person; if the network still refuses, it stops again');
      }
      return { ...(await entry.guards.account.view()), network: entry.guards.network, resumed: released || before.status === 'blocked' };
    });
  });
}
