/**
 * The words a tweet is built from, out of the catalog's pieces: what is wrong and for whom
 * (`{impact}`), what to do (`{advice}`), what still works (`{meanwhile}`), what broke
 * (`{problem}`) and whether anything was lost (`{safety}`). Pure. The tweet templates place them;
 * the pieces themselves never name the service, so one template serves every feature.
 */
import type { DataSafety, Impact, Platform, Scope } from '../incidents/model.ts';
import type { Catalog, Piece } from './catalog.ts';
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

/** "iPhone·Android", "iPhone and Android", "iPhone・Android"; `none` for every platform (the pieces' select key). */
export function platformNames(catalog: Catalog, platforms: readonly Platform[] | undefined): string {
  if (!platforms || platforms.length === 0) return 'none';
  return joinList(platforms.map((p) => piece(catalog, `platform.${p}`)), catalog.locale);
}

/** A list as the locale writes it: Korean and Japanese with a middle dot, English with commas and "and". */
export function joinList(items: readonly string[], locale: string): string {
  switch (languageOf(locale)) {
    case 'ko':
      return items.join('·');
    case 'ja':
      return items.join('・');
    default:
      return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
  }
}

const spaceBetween = (locale: string): string => (languageOf(locale) === 'ja' ? '' : ' ');

/**
 * "messages are arriving late and PC login is failing": every impact but the last in its
 * running-on form, the last closing the sentence (the template adds the full stop).
 */
export function impactText(catalog: Catalog, facts: Facts): string {
  // Who is affected is said once, with the first impact: "for everyone" twice in a sentence is noise.
  const scopeOf = (i: number): string => (i === 0 ? (facts.scope ?? 'unknown') : 'unknown');
  return facts.impacts
    .map((impact, i) => piece(catalog, `impact.${impact.feature}`, { platforms: platformNames(catalog, impact.platforms), scope: scopeOf(i) }, i === facts.impacts.length - 1 ? 0 : 1))
    .join(spaceBetween(catalog.locale));
}

/** What to do and not do, one sentence set per feature in the order of the impacts, no repeats. */
export function adviceText(catalog: Catalog, impacts: readonly Impact[], field: 'advice' | 'tips' = 'advice'): string {
  const texts = [...new Set(impacts.map((i) => piece(catalog, `${field}.${i.feature}`)))];
  return texts.join(spaceBetween(catalog.locale));
}

/** "message delivery and PC login": the noun phrases a resolution names. */
export function problemText(catalog: Catalog, impacts: readonly Impact[]): string {
  return joinList(
    impacts.map((i) => piece(catalog, `problem.${i.feature}`, { platforms: platformNames(catalog, i.platforms) })),
    catalog.locale,
  );
}

/**
 * What the resolution says was lost: delayed messages were delivered only when nothing was lost and
 * messaging was hit; nothing lost otherwise; honest words when something may be; nothing when unknown.
 */
export function safetyText(catalog: Catalog, facts: Facts): string {
  if (facts.dataSafety === 'possible') return piece(catalog, 'safety.possible');
  if (facts.dataSafety !== 'none-lost') return '';
  return piece(catalog, facts.impacts.some((i) => i.feature === 'messaging') ? 'safety.delivered' : 'safety.kept');
}
