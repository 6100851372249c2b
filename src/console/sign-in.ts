import type {} from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Page } from './views/layout.ts';
import { SESSION_COOKIE } from './principal.ts';
import type { SessionStore } from './sessions.ts';
import type { Speech } from './locale.ts';
import { authenticate, type ConsoleUser } from './users.ts';
import { loginPage } from './views/login.ts';

export interface SignInDeps {
  users: readonly ConsoleUser[];
  sessions: SessionStore;
  /** Sign-in attempts allowed per client address in each window. */
  limit: { max: number; windowMs: number };
  send(request: FastifyRequest, reply: FastifyReply, page: Omit<Page, 'drafts'>, status?: number): Promise<unknown>;
  speech(request: FastifyRequest): Speech;
}

export const SIGN_IN_LIMITED = 'HERALD_SIGN_IN_LIMITED';

type LoginForm = { name?: string; password?: string };

/** Sign-in and sign-out. A session cookie is Secure, HttpOnly and SameSite=Strict, and holds only a random token. */
export async function signInRoutes(app: FastifyInstance, deps: SignInDeps) {
  const cookie = { path: '/', httpOnly: true, secure: true, sameSite: 'strict' as const };
  const page = (request: FastifyRequest, reply: FastifyReply, options: { error?: string; name?: string }, status = 200) =>
    deps.send(request, reply, { title: (ctx) => ctx.tr.t('titles.signIn'), body: (ctx) => loginPage(ctx, { ...options, noUsers: deps.users.length === 0 }) }, status);

  app.get('/console/login', (request, reply) => (request.principal ? reply.redirect('/console', 303) : page(request, reply, {})));

  app.post<{ Body: LoginForm }>(
    '/console/login',
    {
      preHandler: app.csrfProtection.bind(app),
      config: {
        rateLimit: {
          max: deps.limit.max,
          timeWindow: deps.limit.windowMs,
          // Checked before the password is, so guessing costs the guesser time, not herald CPU.
          errorResponseBuilder: (request, context) =>
            Object.assign(new Error(deps.speech(request).tr.t('login.tooMany', { seconds: Math.max(1, Math.ceil(context.ttl / 1000)) })), { statusCode: 429, code: SIGN_IN_LIMITED }),
        },
      },
    },
    async (request, reply) => {
      const name = String(request.body?.name ?? '').slice(0, 100);
      const user = await authenticate(deps.users, name, String(request.body?.password ?? ''));
      const at = new Date().toISOString();
      if (!user) {
        await deps.sessions.logAccount({ at, actor: name || '(empty)', action: 'sign-in refused', reason: `from ${request.ip}` });
        request.log.warn({ user: name, ip: request.ip }, 'sign-in refused');
        return page(request, reply, { error: deps.speech(request).tr.t('login.wrong'), name }, 401);
      }
      const token = await deps.sessions.create(user.name);
      await deps.sessions.logAccount({ at, actor: user.name, action: 'signed in', reason: `from ${request.ip}` });
      request.log.info({ user: user.name }, 'signed in');
      return reply.setCookie(SESSION_COOKIE, token, { ...cookie, maxAge: Math.floor(deps.sessions.ttlMs / 1000) }).redirect('/console', 303);
    },
  );

  app.post('/console/logout', { preHandler: app.csrfProtection.bind(app) }, async (request, reply) => {
    await deps.sessions.destroy(request.cookies[SESSION_COOKIE]);
    if (request.principal) await deps.sessions.logAccount({ at: new Date().toISOString(), actor: request.principal.name, action: 'signed out' });
    return reply.clearCookie(SESSION_COOKIE, cookie).redirect('/console/login', 303);
  });
}
