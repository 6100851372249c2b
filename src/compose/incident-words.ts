/**
 * The words a tweet is built from, out of the catalog's pieces: what is wrong and for whom
 * (`{impact}`), what to do (`{advice}`), what still works (`{meanwhile}`), what broke
 * (`{problem}`) and whether anything was lost (`{safety}`). Pure. The tweet templates place them;
 * the pieces themselves never name the service, so one template serves every feature.
 */
import type { DataSafety, Impact, Platform, Scope } from '../incidents/model.ts';
import type { Catalog, DEVICES, Piece } from './catalog.ts';
import { ComposeError } from './errors.ts';
import { languageOf } from './locale-format.ts';

export interface Facts {
  impacts: readonly Impact[];
  scope?: Scope;
  dataSafety?: DataSafety;
}

/** One piece's text number `index` (impacts: 0 closes the sentence, 1 runs on to the next impact). */
export function piece(catalog: Catalog, name: Piece, values: Record<string, string> = {}, index = 0): string {
  const variant = catalog.pieces.get(name)?.[index];
  if (!variant) throw new ComposeError('missing-variable', `messages/${catalog.locale}.yaml has no ${name}; run herald lint-messages`);
  const out = variant.message.format(values);
  return (Array.isArray(out) ? out.join('') : String(out)).trim();
}

/**
 * "아이폰·안드로이드", "iPhone and Android", "iPhone・Android"; `none` for every platform (the pieces'
 * select key). `inList`: the impact is one of several, whose list must not swallow its platforms
 * ("PC/Mac login and iPhone/Android notifications", never "PC and Mac login and iPhone and ...").
 */
export function platformNames(catalog: Catalog, platforms: readonly Platform[] | undefined, inList = false): string {
  if (!platforms || platforms.length === 0) return 'none';
  return joinList(platforms.map((p) => piece(catalog, `platform.${p}`)), catalog.locale, inList ? 'tight' : 'alone');
}

/**
 * A list as the locale writes it: the one list formatter of tweets. Problems or impacts, which may
 * hold platforms of their own, with a comma ("메시지 전송, PC·맥 로그인, 아이폰·안드로이드 알림",
 * "メッセージ送信、PC版・Mac版のログイン") and in English "a, b and c"; the platforms inside one of
 * them (`tight`) with a middle dot in Korean and Japanese and a slash in English ("PC/Mac"), so the
 * two never read as one list. Platforms of a lone impact (`alone`) read "iPhone and Android".
 */
export function joinList(items: readonly string[], locale: string, kind: 'tight' | 'alone' | 'problems' = 'problems'): string {
  switch (languageOf(locale)) {
    case 'ko':
      return items.join(kind === 'problems' ? ', ' : '·');
    case 'ja':
      return items.join(kind === 'problems' ? '、' : '・');
    default:
      if (kind === 'tight') return items.join('/');
      return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
  }
}

/**
 * Which device "it is not your device" names: the phone when every impact is on phones only, the
 * computer when every impact is on computers only, the device otherwise. Telling PC users "it's
 * not your phone" is no help. Which platforms are phones or computers, and the platforms of a
 * feature that is itself one app (the shipped `pc`), are the catalog's data (`traits:`), so an
 * operator's feature works the same.
 */
export function deviceOf(catalog: Pick<Catalog, 'traits'>, impacts: readonly Impact[]): (typeof DEVICES)[number] {
  const platformsOf = (i: Impact): readonly Platform[] => i.platforms ?? catalog.traits.features[i.feature]?.platforms ?? [];
  const only = (set: readonly Platform[] = []) => impacts.every((i) => platformsOf(i).length > 0 && platformsOf(i).every((p) => set.includes(p)));
  if (only(catalog.traits.devices.phone)) return 'phone';
  if (only(catalog.traits.devices.computer)) return 'computer';
  return 'any';
}

/** "휴대폰", "PC", "기기": the device word of {@link deviceOf}, from the catalog. */
export const deviceText = (catalog: Catalog, impacts: readonly Impact[]): string => piece(catalog, `device.${deviceOf(catalog, impacts)}`);

/** Whether an outage of these impacts concerns message data: a feature the catalog says carries messages (`traits:`). */
export const concernsMessages = (catalog: Pick<Catalog, 'traits'>, impacts: readonly Impact[]): boolean => impacts.some((i) => catalog.traits.features[i.feature]?.data === 'messages');

const spaceBetween = (locale: string): string => (languageOf(locale) === 'ja' ? '' : ' ');

/**
 * What is wrong, every impact in one sentence (the template adds the full stop). Korean and
 * Japanese chain clauses: each impact but the last in its running-on form ("…있고, …있어요",
 * "…おり、…います"). English lists them: "messages are arriving late, PC/Mac login is failing and
 * notifications are late" (each in its closing form, {@link joinList}), never "…and…and…".
 */
export function impactText(catalog: Catalog, facts: Facts): string {
  // Who is affected is said once, with the first impact: "for everyone" twice in a sentence is noise.
  const scopeOf = (i: number): string => (i === 0 ? (facts.scope ?? 'unknown') : 'unknown');
  const several = facts.impacts.length > 1;
  const chains = CHAINING.has(languageOf(catalog.locale));
  const clauses = facts.impacts.map((impact, i) =>
    piece(catalog, `impact.${impact.feature}`, { platforms: platformNames(catalog, impact.platforms, several), scope: scopeOf(i) }, chains && i < facts.impacts.length - 1 ? 1 : 0),
  );
  return chains ? clauses.join(spaceBetween(catalog.locale)) : joinList(clauses, catalog.locale);
}

/** Languages whose impacts run on clause to clause (the pieces' second text); the others are listed. */
const CHAINING: ReadonlySet<string> = new Set(['ko', 'ja']);

/** What to do and not do, one sentence set per feature in the order of the impacts, no repeats. */
export function adviceText(catalog: Catalog, impacts: readonly Impact[], field: 'advice' | 'tips' = 'advice'): string {
  const texts = [...new Set(impacts.map((i) => piece(catalog, `${field}.${i.feature}`)))];
  return texts.join(spaceBetween(catalog.locale));
}

/** "message delivery and PC login": the noun phrases a resolution names. */
export function problemText(catalog: Catalog, impacts: readonly Impact[]): string {
  return joinList(
    impacts.map((i) => piece(catalog, `problem.${i.feature}`, { platforms: platformNames(catalog, i.platforms, impacts.length > 1) })),
    catalog.locale,
  );
}

/**
 * What the resolution says was lost: delayed messages were delivered only when nothing was lost and
 * a feature carrying messages was hit ({@link concernsMessages}); nothing lost otherwise; honest
 * words and what to do when something may be. When nobody knows, such an outage still tells people
 * what to do (resend what did not arrive); other outages say nothing about data.
 */
export function safetyText(catalog: Catalog, facts: Facts): string {
  const messaging = concernsMessages(catalog, facts.impacts);
  if (facts.dataSafety === 'possible') return piece(catalog, 'safety.possible');
  if (facts.dataSafety !== 'none-lost') return messaging ? piece(catalog, 'safety.unknown') : '';
  return piece(catalog, messaging ? 'safety.delivered' : 'safety.kept');
}
