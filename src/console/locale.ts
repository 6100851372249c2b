import Negotiator from 'negotiator';
import type { FastifyRequest } from 'fastify';
import { isConsoleLocale, translator, type ConsoleLocale, type Translator } from './i18n.ts';
import type { ConsoleUser } from '../auth/users.ts';

/** What a page needs to speak to this person: their words and their time zone. */
export interface Speech {
  tr: Translator;
  timezone: string;
}

/**
 * The console's language for one request: the signed-in user's `locale` from the users file,
 * else the browser's Accept-Language (ko, ja or en, by its preference), else HERALD_LOCALE.
 * Times are shown in the user's `timezone`, else HERALD_TIMEZONE.
 */
export function speechFor(request: FastifyRequest, users: readonly ConsoleUser[], fallback: { locale: ConsoleLocale; timezone: string }): Speech {
  const user = request.principal && users.find((u) => u.name === request.principal!.name);
  // The browser's languages by preference; `*` says nothing, so HERALD_LOCALE decides then.
  const asked = new Negotiator({ headers: { 'accept-language': request.headers['accept-language'] } }).languages();
  const header = asked.map((tag) => tag.toLowerCase().split('-')[0]).find(isConsoleLocale);
  return { tr: translator(user?.locale ?? header ?? fallback.locale), timezone: user?.timezone ?? fallback.timezone };
}

/**
 * The reader's language among `offered` (the accounts' languages): `?lang=` when the reader chose
 * on the page, else the browser's Accept-Language by preference, else `fallback` (HERALD_LOCALE or
 * the account's own). The status page and the journal's Markdown export read it so.
 */
export function readerLocale(request: FastifyRequest<{ Querystring: { lang?: string } }>, offered: readonly ConsoleLocale[], fallback: ConsoleLocale): ConsoleLocale {
  const chosen = offered.find((l) => l === request.query.lang);
  if (chosen) return chosen;
  const asked = new Negotiator({ headers: { 'accept-language': request.headers['accept-language'] } }).languages();
  return asked.map((tag) => tag.toLowerCase().split('-')[0]).find((l): l is ConsoleLocale => offered.includes(l as ConsoleLocale)) ?? fallback;
}
