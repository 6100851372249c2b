import { createHash } from 'node:crypto';
import type {} from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Page } from './views/layout.ts';
import { CSRF_COOKIE } from '../auth/plugin.ts';
import { SESSION_COOKIE } from '../auth/principal.ts';
import type { SessionStore } from '../auth/sessions.ts';
import type { Speech } from './locale.ts';
import { authenticate, type ConsoleUser } from '../auth/users.ts';
import { loginPage } from './views/login.ts';

export interface SignInDeps {
  users: readonly ConsoleUser[];
  sessions: SessionStore;
  /** Sign-in attempts allowed per client address, and per account name, in each window. */
  limit: { max: number; windowMs: number };
  send(request: FastifyRequest, reply: FastifyReply, page: Omit<Page, 'drafts'>, status?: number): Promise<unknown>;
  speech(request: FastifyRequest): Speech;
}

export const SIGN_IN_LIMITED = 'HERALD_SIGN_IN_LIMITED';

type LoginForm = { name?: string; password?: string };

/** No account name is longer: a longer one is refused before any limit is counted or password hashed. */
export const MAX_NAME_LENGTH = 64;

/**
 * What logs and the per-account limit know of a name someone typed: a short hash, so a password
 * typed into the name field by mistake never reaches the logs, while repeated tries still match.
 */
export const nameHash = (name: string): string => createHash('sha256').update(name.trim().toLowerCase()).digest('hex').slice(0, 16);

const typedName = (request: FastifyRequest): string => String((request.body as LoginForm | undefined)?.name ?? '');

/** The refusal of a limited sign-in, in the person's language. */
const limited = (deps: Pick<SignInDeps, 'speech'>, which: 'address' | 'account') => (request: FastifyRequest, context: { ttl: number }) =>
  Object.assign(new Error(deps.speech(request).tr.t(which === 'address' ? 'login.tooMany' : 'login.tooManyAccount', { seconds: Math.max(1, Math.ceil(context.ttl / 1000)) })), {
    statusCode: 429,
    code: SIGN_IN_LIMITED,
  });

/** Sign-in and sign-out. A session cookie is Secure, HttpOnly and SameSite=Strict, and holds only a random token. */
export async function signInRoutes(app: FastifyInstance, deps: SignInDeps) {
  const cookie = { path: '/', httpOnly: true, secure: true, sameSite: 'strict' as const };
  const page = (request: FastifyRequest, reply: FastifyReply, options: { error?: string; name?: string }, status = 200) =>
    deps.send(request, reply, { title: (ctx) => ctx.tr.t('titles.signIn'), body: (ctx) => loginPage(ctx, { ...options, noUsers: deps.users.length === 0 }) }, status);

  app.get('/console/login', (request, reply) => (request.principal ? reply.redirect('/console', 303) : page(request, reply, {})));

  // Both limits are checked before the password is, so guessing costs the guesser time, not herald
  // CPU. Per address (the real client's, behind the proxies HERALD_TRUST_PROXY names) and per
  // account name from that address: ten bad tries from one place lock out that place, and ten at
  // one name lock that name out from that place only, so an attack on an approver's name from
  // elsewhere never keeps the approver out during an outage. The name is keyed exactly as it is
  // checked (auth/users.ts: trimmed, any case). One rate limit per request is all the plugin's
  // hooks run, so the per-name one is checked by hand.
  const checkNameFromAddress = app.createRateLimit({
    max: deps.limit.max,
    timeWindow: deps.limit.windowMs,
    keyGenerator: (request) => `account:${nameHash(typedName(request))}@${request.ip}`,
  });
  const perNameFromAddress = async (request: FastifyRequest) => {
    const limit = await checkNameFromAddress(request);
    if (!limit.isAllowed && limit.isExceeded) throw limited(deps, 'account')(request, { ttl: limit.ttlInSeconds * 1000 });
  };
  const nameOfAccountLength = async (request: FastifyRequest, reply: FastifyReply) => {
    if (typedName(request).length > MAX_NAME_LENGTH) return page(request, reply, { error: deps.speech(request).tr.t('login.wrong') }, 400);
  };
  app.post<{ Body: LoginForm }>(
    '/console/login',
    {
      preHandler: [app.csrfProtection.bind(app), nameOfAccountLength, perNameFromAddress],
      config: {
        rateLimit: {
          max: deps.limit.max,
          timeWindow: deps.limit.windowMs,
          keyGenerator: (request) => `address:${request.ip}`,
          errorResponseBuilder: limited(deps, 'address'),
        },
      },
    },
    async (request, reply) => {
      const name = typedName(request);
      const user = await authenticate(deps.users, name, String(request.body?.password ?? ''));
      const at = new Date().toISOString();
      if (!user) {
        const known = deps.users.some((u) => u.name === name);
        // A name that is no user's may be a password typed in the wrong field: only its hash is kept.
        const who = known ? name : `unknown name #${nameHash(name)}`;
        await deps.sessions.logAccount({ at, actor: who, action: 'sign-in refused', reason: `from ${request.ip}` });
        request.log.warn({ nameHash: nameHash(name), knownUser: known, ip: request.ip }, 'sign-in refused');
        return page(request, reply, { error: deps.speech(request).tr.t('login.wrong'), name }, 401);
      }
      const token = await deps.sessions.create(user.name);
      await deps.sessions.logAccount({ at, actor: user.name, action: 'signed in', reason: `from ${request.ip}` });
      request.log.info({ user: user.name }, 'signed in');
      // A new session gets a new CSRF secret too: tokens from before sign-in are worthless after it.
      return reply
        .setCookie(SESSION_COOKIE, token, { ...cookie, maxAge: Math.floor(deps.sessions.ttlMs / 1000) })
        .clearCookie(CSRF_COOKIE, cookie)
        .redirect('/console', 303);
    },
  );

  app.post('/console/logout', { preHandler: app.csrfProtection.bind(app) }, async (request, reply) => {
    await deps.sessions.destroy(request.cookies[SESSION_COOKIE]);
    if (request.principal) await deps.sessions.logAccount({ at: new Date().toISOString(), actor: request.principal.name, action: 'signed out' });
    return reply.clearCookie(SESSION_COOKIE, cookie).redirect('/console/login', 303);
  });
}
