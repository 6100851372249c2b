import type { FastifyReply, FastifyRequest } from 'fastify';
import { can, type Permission } from '../auth/access.ts';
import { html } from './html.ts';
import type { Page, ViewContext } from './views/layout.ts';

/** How a page plugin sends a page in the person's language (the console's adds the drafts waiting). */
export type SendPage = (request: FastifyRequest, reply: FastifyReply, page: Omit<Page, 'drafts'>, status?: number) => unknown;

/**
 * The check in front of every console page, the maintenance page included: whoever has not signed
 * in goes to the sign-in page, someone without the permission gets a 403 page in their language
 * naming what it needs. (The JSON routes answer 401 and 403 instead: auth/guard.ts.)
 */
export const pageGuard = (send: SendPage) => (permission: Permission) => async (request: FastifyRequest, reply: FastifyReply) => {
  if (!request.principal) return reply.redirect('/console/login', 303);
  if (can(request.principal.role, permission)) return;
  const { name, role } = request.principal;
  const body = (ctx: ViewContext) =>
    html`<h1>${ctx.tr.t('errors.notAllowed')}</h1><p>${ctx.tr.t('errors.notAllowedWhy', { name, role: ctx.tr.t(`names.role.${role}`), permission: ctx.tr.t(`names.permission.${permission}`) })}</p>`;
  return send(request, reply, { title: (ctx) => ctx.tr.t('titles.notAllowed'), body }, 403);
};
