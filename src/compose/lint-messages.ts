/**
 * `herald lint-messages`: everything the catalog loader checks, plus what needs rendering to see.
 * Every variant of every situation in every locale is rendered with the longest values herald can
 * produce (a service name at the cap, two-digit times with a date, a day-long duration), so a
 * variant that passes here fits in any real outage.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import twitterText from 'twitter-text';
import { DateTime } from 'luxon';
import type { CliCommand } from '../cli-command.ts';
import { SEVERITIES, type Impact, type Scope } from '../incidents/model.ts';
import { DEFAULT_MESSAGES_DIR, DEVICES, OPTIONAL_VARIABLES, pieceVariables, SITUATIONS, SITUATION_VARIABLES, catalogLocales, parseCatalog, type Catalog, type Variable } from './catalog.ts';
import { findHedge } from './hedges.ts';
import { adviceText, impactText, piece, problemText, safetyText } from './incident-words.ts';
import { formatProblem, type CatalogProblem } from './errors.ts';
import { formatClock, formatDay, formatDayAndClock, formatDuration, languageOf } from './locale-format.ts';
import { findUnsafeEntities } from './sanitize.ts';
import { tidy } from './compose.ts';
import { SERVICE_CUTS } from './fitting.ts';
import { lintFitting } from './lint-fit.ts';
import { lintKept } from './lint-keep.ts';
import { MAX_WEIGHTED_LENGTH, isPostable, weightedLength } from './tweet-length.ts';
import { BLUESKY_LIMIT, mastodonLimit } from './network-length.ts';

/** Bluesky and a default Mastodon instance: every variant must fit there too (X is checked above them). */
const OTHER_NETWORKS = [BLUESKY_LIMIT, mastodonLimit()];

/** What a status link adds to a tweet: a line break and a link, which X always counts as 23. */
const STATUS_LINK_WEIGHT = 1 + 23;

export interface LintReport {
  locales: string[];
  /** Variants rendered and measured. */
  checked: number;
  /** Combinations proven to fit at the last fitting step (lint-fit.ts), all locales and networks. */
  combinations: number;
  problems: CatalogProblem[];
}

const SAMPLE_NAMES: Record<string, string> = { ko: '아주긴메신저서비스이름', ja: 'とても長いメッセンジャー', en: 'Very Long Messenger Service Name ' };
const SAMPLE_TEXTS: Record<string, string> = {
  ko: '오늘 밤 앱 업데이트가 있어요. 업데이트 후에는 한 번 다시 로그인해 주세요.',
  ja: '今夜アプリを更新します。更新後は一度ログインし直してください。',
  en: 'We are updating the app tonight. Please log in again once after the update, thank you.',
};

/** A service name of exactly the longest weight compose lets through. */
export function longServiceName(locale: string): string {
  const base = SAMPLE_NAMES[languageOf(locale)] ?? SAMPLE_NAMES.en!;
  let name = '';
  for (const ch of base.repeat(10)) {
    if (weightedLength(name + ch) > SERVICE_CUTS[0]) break;
    name += ch;
  }
  return name;
}

/** The longest value each variable can take in `locale`, for measuring worst cases. */
export function sampleValues(locale: string): Record<Exclude<Variable, Worded>, string> {
  const late = DateTime.fromObject({ year: 2025, month: 12, day: 31, hour: 12, minute: 59 }, { zone: 'UTC' });
  return {
    service: longServiceName(locale),
    time: formatDayAndClock(late, locale),
    duration: formatDuration(23 * 60 + 59, locale),
    nextUpdate: formatClock(late, locale),
    date: formatDay(late, locale),
    endTime: formatDayAndClock(late, locale),
    text: SAMPLE_TEXTS[languageOf(locale)] ?? SAMPLE_TEXTS.en!,
    firstPost: formatDayAndClock(late, locale),
    // The select's other case is as long as it gets: templates word each phase.
    phase: 'investigating',
    // A range (`other`) is longer than one brief moment.
    span: 'range',
    // Several problems ("problems … are") are longer than one.
    problemCount: '2',
    // An ordinary outage has no public note; with one, the fitting order drops it before the facts.
    note: '',
  };
}

/** JSON with every object's keys sorted: two files may write the same traits in another order. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v));

/** Checks every `*.yaml` catalog in `dir`. Never throws for content problems: they are returned. */
export function lintMessages(dir: string = DEFAULT_MESSAGES_DIR): LintReport {
  const locales = catalogLocales(dir);
  if (locales.length === 0) {
    return { locales, checked: 0, combinations: 0, problems: [{ file: dir, key: '(file)', code: 'unreadable', message: 'no <locale>.yaml catalogs here' }] };
  }
  const problems: CatalogProblem[] = [];
  const parsed = locales.map((locale) => {
    const file = path.join(dir, `${locale}.yaml`);
    return { locale, file, ...parseCatalog(readFileSync(file, 'utf8'), file, locale) };
  });

  // Say which other locales have a key, which is what a translator needs to fix it.
  const everywhere = new Set(parsed.flatMap((p) => p.keys));
  for (const p of parsed) {
    const present = new Set(p.keys);
    const missingHere = [...everywhere].filter((k) => !present.has(k) && p.problems.every((q) => q.code !== 'yaml'));
    const others = (key: string) => parsed.filter((o) => o !== p && o.keys.includes(key)).map((o) => path.basename(o.file));
    problems.push(...p.problems.filter((q) => !(q.code === 'missing-key' && missingHere.includes(q.key))));
    for (const key of missingHere) problems.push({ file: p.file, key, code: 'missing-key', message: `missing here, present in ${others(key).join(', ')}` });
  }
  // Traits are facts about the features, not words: every locale must say the same, or an outage
  // would read as about messages in one language and not in another.
  const [first, ...rest] = parsed.filter((p) => p.catalog);
  for (const p of rest) {
    if (canonical(p.catalog!.traits) === canonical(first!.catalog!.traits)) continue;
    problems.push({ file: p.file, key: 'traits', code: 'invalid', message: `differs from ${path.basename(first!.file)}: traits are the same in every locale` });
  }

  let checked = 0;
  let combinations = 0;
  for (const { catalog } of parsed) {
    if (!catalog) continue;
    const found = lintCatalog(catalog);
    checked += found.checked;
    problems.push(...found.problems);
    const fit = lintFitting(catalog, catalog.features);
    combinations += fit.combinations;
    problems.push(...fit.problems);
  }
  return { locales, checked, combinations, problems };
}

/** Variables built from the catalog's pieces (incident-words.ts): measured from the pieces themselves. */
type Worded = 'impact' | 'advice' | 'meanwhile' | 'problem' | 'safety' | 'sorry' | 'device';

const longest = (texts: string[]): string => texts.reduce((a, b) => (weightedLength(b) > weightedLength(a) ? b : a), '');

/**
 * The longest words the pieces can give one impact (two platforms named, some people affected):
 * every variant must fit with these. More impacts at once fall back to the main impact's advice,
 * then to the short variant (compose.ts).
 */
function wordedSamples(catalog: Catalog, scope: Scope): Record<Worded, string> {
  const impacts: Impact[] = catalog.features.map((feature) => ({ feature, platforms: ['ios', 'android'] }));
  const one = (i: Impact) => ({ impacts: [i], scope, dataSafety: 'possible' as const });
  return {
    impact: longest(impacts.map((i) => impactText(catalog, one(i)))),
    advice: longest(impacts.map((i) => adviceText(catalog, [i]))),
    meanwhile: longest(impacts.map((i) => adviceText(catalog, [i], 'tips'))),
    problem: longest(impacts.map((i) => problemText(catalog, [i]))),
    safety: longest([safetyText(catalog, one(impacts[0]!)), safetyText(catalog, { ...one(impacts[0]!), dataSafety: 'none-lost' }), safetyText(catalog, { ...one(impacts[0]!), dataSafety: 'unknown' })]),
    sorry: longest(SEVERITIES.map((s) => piece(catalog, `sorry.${s}`))),
    device: longest(DEVICES.map((d) => piece(catalog, `device.${d}`))),
  };
}

/** The cases a piece is rendered with: each platform, scope and count case its variables take. */
function pieceCases(variables: readonly string[]): Array<Record<string, string>> {
  const choices: Record<string, string[]> = { platforms: ['none', 'iPhone'], scope: ['partial', 'total', 'unknown'], problems: ['A'], more: ['1', '2'], count: ['2', '3'] };
  return variables.reduce<Array<Record<string, string>>>((cases, name) => cases.flatMap((c) => (choices[name] ?? ['x']).map((v) => ({ ...c, [name]: v }))), [{}]);
}

/** Every text of every piece, rendered with each platform and scope case: nothing a tweet must not carry. */
function lintPieces(catalog: Catalog): CatalogProblem[] {
  const problems: CatalogProblem[] = [];
  for (const key of catalog.pieces.keys()) {
    const cases = pieceCases(pieceVariables(key));
    (catalog.pieces.get(key) ?? []).forEach((variant, index) => {
      for (const values of cases) {
        let text: string;
        try {
          const out = variant.message.format(values);
          text = Array.isArray(out) ? out.join('') : String(out);
        } catch (e) {
          problems.push({ file: catalog.file, key, variant: index, code: 'render', message: `cannot be rendered: ${(e as Error).message}` });
          return;
        }
        const unsafe = findUnsafeEntities(text, []);
        if (/[{}]/.test(text) || unsafe.length > 0) problems.push({ file: catalog.file, key, variant: index, code: 'style', message: `renders ${JSON.stringify(text)}: no braces, hashtags, mentions or links` });
        const hedge = 'scope' in values && values.scope === 'total' ? findHedge(text, catalog.locale) : undefined;
        if (hedge) problems.push({ file: catalog.file, key, variant: index, code: 'style', message: `hedges ("${hedge}") when everyone is affected (scope total): say it plainly` });
      }
    });
  }
  return problems;
}

const TYPICAL_NAMES: Record<string, string> = { ko: '카카오톡', ja: 'カカオトーク', en: 'KakaoTalk' };

/**
 * A full variant is measured with an ordinary outage: a usual service name, times on the same
 * day, a few hours. Past that herald takes the short one, which must fit with the longest values.
 */
function typicalValues(locale: string): Partial<Record<Variable, string>> {
  const late = DateTime.fromObject({ year: 2025, month: 12, day: 31, hour: 12, minute: 59 }, { zone: 'UTC' });
  const clock = formatClock(late, locale);
  return { service: TYPICAL_NAMES[languageOf(locale)] ?? TYPICAL_NAMES.en!, time: clock, endTime: clock, firstPost: clock, duration: formatDuration(3 * 60 + 59, locale) };
}

/** The short fallback of each group (variants with {nextUpdate}, variants without): the last one. */
export function shortVariants(variants: readonly { variables: readonly string[] }[]): Set<number> {
  const last = (promising: boolean) => variants.map((v, i) => (v.variables.includes('nextUpdate') === promising ? i : -1)).filter((i) => i >= 0).at(-1);
  const groups = [last(true), last(false)].filter((i): i is number => i !== undefined);
  return new Set(variants.length > 1 ? groups : []);
}

function lintCatalog(catalog: Catalog): { checked: number; problems: CatalogProblem[] } {
  const { file } = catalog;
  const longestValues = { ...sampleValues(catalog.locale), ...wordedSamples(catalog, 'partial') };
  const typical = { ...longestValues, ...typicalValues(catalog.locale) };
  const totalValues = { ...longestValues, ...wordedSamples(catalog, 'total') };
  const problems: CatalogProblem[] = lintPieces(catalog);
  let checked = 0;
  for (const key of SITUATIONS) {
    const variants = catalog.situations.get(key) ?? [];
    const shorts = shortVariants(variants);
    let roomForLink = false;
    variants.forEach((variant, index) => {
      checked += 1;
      const problem = (code: CatalogProblem['code'], message: string) => problems.push({ file, key, variant: index, code, message });
      // Incident posts at their worst are proven by lint-fit.ts over every combination; notices here.
      const notice = key.startsWith('maintenance') || key === 'announcement';
      const worst = notice && (shorts.has(index) || variants.length === 1);
      const values = worst ? longestValues : typical;
      let text: string;
      try {
        const out = variant.message.format(values);
        text = tidy(Array.isArray(out) ? out.join('') : String(out));
      } catch (e) {
        problem('render', `cannot be rendered: ${(e as Error).message}`);
        return;
      }
      const weight = weightedLength(text);
      const measured = worst ? `the longest values (a ${SERVICE_CUTS[0]}-weight service name)` : 'an ordinary outage (a usual service name, the longest impact and advice)';
      if (weight > MAX_WEIGHTED_LENGTH) problem('too-long', `${weight}/${MAX_WEIGHTED_LENGTH} with ${measured}; shorten it by ${weight - MAX_WEIGHTED_LENGTH}`);
      // The link is wanted in an ordinary outage; in the longest case it may give way.
      const ordinary = variant.message.format(typical);
      if (weightedLength(tidy(Array.isArray(ordinary) ? ordinary.join('') : String(ordinary))) + STATUS_LINK_WEIGHT <= MAX_WEIGHTED_LENGTH) roomForLink = true;
      for (const limit of OTHER_NETWORKS) {
        const length = limit.measure(text);
        if (length > limit.max) problem('too-long', `${length}/${limit.label} with ${measured}; shorten it by ${length - limit.max}`);
      }
      if (!variant.variables.includes('service')) problem('style', 'does not name the service: every tweet says which service it is about ({service})');
      if (/[{}]/.test(text)) problem('style', "shows a literal { or }: an apostrophe (') right before { quotes it, write ’ instead");
      const unsafe = findUnsafeEntities(text, twitterText.extractUrls(values.text));
      if (unsafe.length > 0) problem('style', `would carry ${unsafe.join(', ')}: no hashtags, mentions or links (the status link is added for you)`);
      if (weight <= MAX_WEIGHTED_LENGTH && !isPostable(text)) problem('style', 'X would refuse this text (blank, or characters X does not accept)');
      const total = variant.message.format(totalValues);
      const hedge = findHedge(Array.isArray(total) ? total.join('') : String(total), catalog.locale);
      if (hedge) problem('style', `hedges ("${hedge}") even when everyone is affected (scope total): keep hedges inside the impact pieces' partial case`);
    });
    if (variants.length > 0 && !roomForLink) {
      problems.push({ file, key, code: 'too-long', message: `no variant leaves room for the status link (${MAX_WEIGHTED_LENGTH - STATUS_LINK_WEIGHT} at most in an ordinary outage): add a short one` });
    }
    const optional = SITUATION_VARIABLES[key].filter((v) => OPTIONAL_VARIABLES.includes(v));
    if (optional.length > 0 && variants.length > 0 && variants.every((v) => v.variables.some((name) => optional.includes(name as Variable)))) {
      problems.push({ file, key, code: 'invalid', message: `every variant uses {${optional.join('}, {')}}: herald does not always know it, add a variant without` });
    }
  }
  problems.push(...lintKept(catalog, (situation, index, values = {}) => renderSafely(catalog.situations.get(situation)?.[index], { ...typical, ...values })));
  return { checked, problems };
}

function renderSafely(variant: { message: { format(values: Record<string, string>): unknown } } | undefined, values: Record<string, string>): string | undefined {
  try {
    const out = variant?.message.format(values);
    return out === undefined ? undefined : Array.isArray(out) ? out.join('') : String(out);
  } catch {
    return undefined; // reported as a render problem above
  }
}

/** `herald lint-messages [--messages <dir>]`: exit 1 listing every problem, 0 when clean. */
export const lintMessagesCommand: CliCommand<{ messagesDir: string }> = {
  usage: 'herald lint-messages [--messages <dir>]',
  async run(args, io, settings) {
    const { values } = parseArgs({ args, options: { messages: { type: 'string' } }, strict: true, allowPositionals: false });
    const dir = path.resolve(io.cwd, values.messages ?? settings.messagesDir);
    const report = lintMessages(dir);
    if (report.problems.length === 0) {
      io.out(`messages OK: ${report.checked} variants in ${report.locales.join(', ')} fit in ${MAX_WEIGHTED_LENGTH} (X's weighting), ${OTHER_NETWORKS.map((l) => l.label).join(' and ')} with the longest values; ${report.combinations} incident combinations always compose\n`);
      return 0;
    }
    io.err(`${report.problems.map(formatProblem).join('\n')}\n\n${report.problems.length} problem(s) in ${dir}\n`);
    return 1;
  },
};
