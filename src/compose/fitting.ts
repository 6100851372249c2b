/**
 * The fitting order: what a tweet gives up, step by step, when the richest text does not fit the
 * network's limit. Pure. Each step keeps every step before it, and compose.ts tries every variant
 * of the situation (full ones rotated, then the short one) at each step before moving to the next,
 * with the status link first and without it second. So a tweet loses, in this order and only as
 * far as it must:
 *
 *  1. the status link;
 *  2. the seeded wording (the other full variants, then the short one: same facts, fewer words);
 *  3. the other impacts' advice and tips (the main impact's stay);
 *  4. the other impacts named one by one: they collapse to the first two and a count ("메시지
 *     전송·로그인 등 3가지", "message delivery, login and 1 more");
 *  5. then to the main one and a count;
 *  6. staff's public note (follow-ups and the resolution), the first thing said beyond the parts kept;
 *  7. the service name, shortened with "…" to 40 of X's weight (20 Hangul), then to 20.
 *
 * What is wrong (the main impact, or the collapsed list), for whom (scope and the main impact's
 * platforms), since when, that it is not the reader's device, the main do/don't, the next update
 * and the apology are never given up: the open and reopened variants carry them all (lint checks
 * it), and `lint-messages` proves that the last step fits every combination on every network.
 * docs/messages.md ("When it does not fit") is the reader's version of this list.
 */
import type { Impact } from '../incidents/model.ts';
import type { Catalog } from './catalog.ts';
import { adviceText, impactText, joinList, piece, platformNames, problemText, type Facts } from './incident-words.ts';
import { languageOf } from './locale-format.ts';
import { capWeight } from './sanitize.ts';

/** The words of one step: the values the templates' worded variables take. */
export interface Worded {
  service: string;
  impact: string;
  advice: string;
  meanwhile: string;
  problem: string;
  /** How many problems `problem` stands for (a number), so English can say "problem" or "problems". */
  problemCount: string;
  /** Staff's public note as the catalog's `note` piece puts it, or nothing. */
  note: string;
}

export interface FittingStep {
  /** What this step has given up, for logs and lint messages. */
  name: FittingStepName;
  words: Worded;
}

export type FittingStepName = 'everything' | 'main-advice' | 'two-named' | 'one-named' | 'no-note' | 'service-40' | 'service-20';

/** The two service name lengths step 7 cuts to, in X's weight. */
export const SERVICE_CUTS = [40, 20] as const;

/** Several impacts, shortened: the first `named` ones by their problem words, the rest as a count. */
export function collapsedWords(catalog: Catalog, facts: Facts, named: number): Pick<Worded, 'impact' | 'problem'> {
  const shown = facts.impacts.slice(0, named);
  const problems = listOf(shown.map((i) => piece(catalog, `problem.${i.feature}`, { platforms: platformNames(catalog, i.platforms, true) })), catalog.locale);
  const values = { problems, more: String(facts.impacts.length - shown.length), count: String(facts.impacts.length), scope: facts.scope ?? 'unknown' };
  return { impact: piece(catalog, 'several.impact', values), problem: piece(catalog, 'several.problem', values) };
}

/**
 * Named items before a count: English lists them with commas only, since the piece adds "and N
 * more"; Korean and Japanese with the locale's own list.
 */
function listOf(items: readonly string[], locale: string): string {
  return languageOf(locale) === 'en' ? items.join(', ') : joinList(items, locale);
}

/** Every step for these facts (and staff's note, worded), in order; a step that changes nothing is left out. */
export function fittingSteps(catalog: Catalog, facts: Facts, service: string, note = ''): FittingStep[] {
  const main: readonly Impact[] = facts.impacts.slice(0, 1);
  const n = facts.impacts.length;
  const everything: Worded = {
    service,
    impact: impactText(catalog, facts),
    advice: adviceText(catalog, facts.impacts),
    meanwhile: adviceText(catalog, facts.impacts, 'tips'),
    problem: problemText(catalog, facts.impacts),
    problemCount: String(n),
    note,
  };
  const steps: FittingStep[] = [{ name: 'everything', words: everything }];
  const add = (name: FittingStepName, change: Partial<Worded>) => {
    const words = { ...steps.at(-1)!.words, ...change };
    if (Object.keys(change).some((k) => words[k as keyof Worded] !== steps.at(-1)!.words[k as keyof Worded])) steps.push({ name, words });
  };
  add('main-advice', { advice: adviceText(catalog, main), meanwhile: adviceText(catalog, main, 'tips') });
  if (n >= 3) add('two-named', collapsedWords(catalog, facts, 2));
  if (n >= 2) add('one-named', collapsedWords(catalog, facts, 1));
  add('no-note', { note: '' });
  add('service-40', { service: cutService(service, SERVICE_CUTS[0]) });
  add('service-20', { service: cutService(service, SERVICE_CUTS[1]) });
  return steps;
}

/**
 * The last step's words without building the others (`fittingSteps(...).at(-1)` gives the same):
 * what `lint-messages` must see fit for every combination, since nothing is given up after it.
 */
export function lastWords(catalog: Catalog, facts: Facts, service: string): Worded {
  const main = facts.impacts.slice(0, 1);
  const several = facts.impacts.length >= 2 ? collapsedWords(catalog, facts, 1) : { impact: impactText(catalog, facts), problem: problemText(catalog, facts.impacts) };
  return { service: cutService(service, SERVICE_CUTS[1]), ...several, problemCount: String(facts.impacts.length), advice: adviceText(catalog, main), meanwhile: adviceText(catalog, main, 'tips'), note: '' };
}

// The same few names are cut again and again (every post of an incident, every lint combination).
const cuts = new Map<string, string>();
function cutService(service: string, max: number): string {
  const key = `${max}\u0000${service}`;
  let cut = cuts.get(key);
  if (cut === undefined) {
    if (cuts.size > 1000) cuts.clear();
    cut = capWeight(service, max);
    cuts.set(key, cut);
  }
  return cut;
}
