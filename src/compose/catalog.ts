/**
 * The message catalog: `messages/<locale>.yaml` read, checked and compiled once. Every situation
 * herald can tweet about must be present with at least one valid variant, and a variant may only
 * use the variables its situation provides, so a broken file stops herald at start instead of
 * failing in the middle of an outage. `lint-messages` adds the checks that need sample values.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import IntlMessageFormat from 'intl-messageformat';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { FEATURE_NAME, FEATURE_NAME_RULE, PLATFORMS, SEVERITIES, type Platform } from '../incidents/model.ts';
import { CatalogError, type CatalogProblem } from './errors.ts';
import { languageOf } from './locale-format.ts';

/** Where the shipped catalogs live: `messages/` at the package root. */
export const DEFAULT_MESSAGES_DIR = fileURLToPath(new URL('../../messages/', import.meta.url));

/**
 * What "not your device" names (incident-words.ts): the phone when only phone apps are hit, the
 * computer when only the PC or Mac apps are, the device otherwise.
 */
export const DEVICES = ['phone', 'computer', 'any'] as const;

/** A value a template may use as `{name}`. See messages/README.md for what each one holds. */
export type Variable =
  | 'service'
  | 'time'
  | 'duration'
  | 'nextUpdate'
  | 'date'
  | 'endTime'
  | 'text'
  | 'firstPost'
  | 'impact'
  | 'advice'
  | 'meanwhile'
  | 'problem'
  | 'problemCount'
  | 'safety'
  | 'sorry'
  | 'device'
  | 'phase'
  | 'span'
  | 'note';

/** A catalog key: what the tweet is about. Two-level YAML keys are joined with a dot. */
export type Situation =
  | 'open'
  | 'update'
  | 'identified'
  | 'monitoring'
  | 'meanwhile'
  | 'resolved'
  | 'reopened'
  | 'standalone.update'
  | 'standalone.resolved'
  | 'standalone.reopened'
  | 'maintenance.ahead'
  | 'maintenance.starting'
  | 'maintenance.done'
  | 'maintenance.moved'
  | 'maintenance.extended'
  | 'maintenance.cancelled'
  | 'announcement';

/**
 * The variables each situation provides; a template may use any of them and nothing else.
 * `nextUpdate` is the one optional variable: herald does not always know when it will post
 * next, so a situation offering it must also have variants that do without (lint checks this).
 */
export const SITUATION_VARIABLES: Readonly<Record<Situation, readonly Variable[]>> = {
  open: ['service', 'time', 'impact', 'advice', 'device', 'sorry', 'nextUpdate'],
  // `note`: staff's public note (the cause, in their words) as the `note` piece puts it, or nothing.
  update: ['service', 'time', 'duration', 'impact', 'advice', 'device', 'phase', 'sorry', 'note', 'nextUpdate'],
  identified: ['service', 'time', 'duration', 'impact', 'advice', 'device', 'sorry', 'note', 'nextUpdate'],
  monitoring: ['service', 'time', 'duration', 'impact', 'sorry', 'note', 'nextUpdate'],
  // A follow-up two hours in or more: what still works and what to do meanwhile.
  meanwhile: ['service', 'time', 'duration', 'impact', 'meanwhile', 'device', 'phase', 'sorry', 'note', 'nextUpdate'],
  // `span`: `brief` when it began and ended within a minute (one time, no range), else `range`.
  resolved: ['service', 'time', 'endTime', 'span', 'duration', 'problem', 'problemCount', 'safety', 'sorry', 'note'],
  reopened: ['service', 'time', 'impact', 'advice', 'device', 'sorry', 'nextUpdate'],
  // A follow-up X would not let herald thread, posted on its own: it names the first tweet's time.
  'standalone.update': ['service', 'time', 'firstPost', 'impact', 'sorry', 'note', 'nextUpdate'],
  'standalone.resolved': ['service', 'time', 'endTime', 'span', 'duration', 'firstPost', 'problem', 'problemCount', 'safety', 'sorry', 'note'],
  'standalone.reopened': ['service', 'time', 'firstPost', 'impact', 'sorry'],
  'maintenance.ahead': ['service', 'date', 'time', 'endTime'],
  'maintenance.starting': ['service', 'endTime'],
  'maintenance.done': ['service'],
  'maintenance.moved': ['service', 'date', 'time', 'endTime'],
  'maintenance.extended': ['service', 'endTime'],
  'maintenance.cancelled': ['service', 'date', 'time'],
  announcement: ['service', 'text'],
};

/** Variables a caller may leave out; variants that use them are then skipped, not rendered short. */
export const OPTIONAL_VARIABLES: readonly Variable[] = ['nextUpdate'];

/** Every situation, in catalog order. */
export const SITUATIONS = Object.keys(SITUATION_VARIABLES) as Situation[];

/**
 * Pieces: not tweets but the words tweets are built from (`{impact}`, `{advice}`, ...), one list
 * per feature or case. `impact.*` holds two texts: the clause that ends the sentence, then the one
 * that runs on to the next impact. `{platforms}` is `none` or the platform names joined;
 * `{scope}` is `partial`, `total` or `unknown` (use ICU `select`, see messages/README.md).
 */
export type Piece =
  | `${FeaturePiece}.${string}`
  | `platform.${Platform}`
  | 'safety.delivered'
  | 'safety.kept'
  | 'safety.possible'
  | 'safety.unknown'
  | `sorry.${(typeof SEVERITIES)[number]}`
  | `device.${(typeof DEVICES)[number]}`
  | 'several.impact'
  | 'several.problem'
  | 'note';

/**
 * Features are data: a feature is whatever the catalog gives words to. Each one declares, in every
 * locale, its `impact` (two texts), `advice`, `tips` and `problem`; adding `payments` to the four
 * sections of each file is all it takes (lint-messages refuses a feature one locale lacks).
 */
export const FEATURE_PIECES = ['impact', 'advice', 'tips', 'problem'] as const;
export type FeaturePiece = (typeof FEATURE_PIECES)[number];


/**
 * `several.*` are several impacts collapsed when the tweet does not fit otherwise (fitting.ts):
 * `{problems}` the first ones' problem words, `{more}` how many others, `{count}` how many in all.
 */
export type PieceVariable = 'platforms' | 'scope' | 'problems' | 'more' | 'count' | 'text';

const FEATURE_PIECE_VARIABLES: Readonly<Record<FeaturePiece, readonly PieceVariable[]>> = { impact: ['platforms', 'scope'], advice: [], tips: [], problem: ['platforms'] };

/** The pieces every catalog has whatever its features, with the variables each may use. */
export const PIECE_VARIABLES: Readonly<Record<string, readonly PieceVariable[]>> = Object.fromEntries([
  ...PLATFORMS.map((p) => [`platform.${p}`, []]),
  ['safety.delivered', []],
  ['safety.kept', []],
  ['safety.possible', []],
  ['safety.unknown', []],
  ...SEVERITIES.map((s) => [`sorry.${s}`, []]),
  ...DEVICES.map((d) => [`device.${d}`, []]),
  ['several.impact', ['problems', 'more', 'count', 'scope']],
  ['several.problem', ['problems', 'more', 'count']],
  // Staff's public note as a sentence of the tweet: `{text}` is their words ("원인: {text}").
  ['note', ['text']],
]);

export const PIECES = Object.keys(PIECE_VARIABLES) as Piece[];

/** The variables `piece` may use: a feature's by its kind, the others from {@link PIECE_VARIABLES}. */
export function pieceVariables(piece: string): readonly PieceVariable[] {
  const [group] = piece.split('.');
  return (FEATURE_PIECE_VARIABLES as Record<string, readonly PieceVariable[]>)[group!] ?? PIECE_VARIABLES[piece] ?? [];
}

/** The pieces of `features`: each one's impact, advice, tips and problem. */
export const featurePieces = (features: readonly string[]): Piece[] => features.flatMap((f) => FEATURE_PIECES.map((kind): Piece => `${kind}.${f}`));

/** How many texts a piece holds: impacts have a closing and a running-on form. */
export const pieceArity = (piece: string): number => (piece.startsWith('impact.') ? 2 : 1);

/** One compiled variant of a situation. */
export interface MessageVariant {
  /** The ICU text as written in the file. */
  readonly source: string;
  readonly message: IntlMessageFormat;
  /** Variable names the text uses. */
  readonly variables: readonly string[];
}

/**
 * What herald knows about features and platforms beyond their words (`traits:` in the file; the
 * same in every locale, lint compares them), so a feature an operator adds works as the shipped
 * ones: whether an outage of it concerns message data (the resolution then says whether delayed
 * messages arrived, or to resend what did not), the platforms it lives on when it is itself one
 * app (the shipped `pc`), and which platforms are phones and which computers ("not your device").
 */
export interface Traits {
  features: Readonly<Record<string, { data?: 'messages'; platforms?: readonly Platform[] }>>;
  devices: Readonly<Partial<Record<Exclude<(typeof DEVICES)[number], 'any'>, readonly Platform[]>>>;
}

const traitsSchema = z
  .strictObject({
    features: z.record(z.string().regex(FEATURE_NAME, `a feature name: ${FEATURE_NAME_RULE}`), z.strictObject({ data: z.enum(['messages']).optional(), platforms: z.array(z.enum(PLATFORMS)).min(1).optional() })).default({}),
    devices: z.strictObject({ phone: z.array(z.enum(PLATFORMS)).optional(), computer: z.array(z.enum(PLATFORMS)).optional() }).default({}),
  })
  .default({ features: {}, devices: {} });

/** A locale's messages, compiled and known to be well-formed. */
export interface Catalog {
  readonly locale: string;
  readonly file: string;
  readonly situations: ReadonlyMap<Situation, readonly MessageVariant[]>;
  readonly pieces: ReadonlyMap<Piece, readonly MessageVariant[]>;
  /** The features this locale gives words to, in the order of its `impact` section. */
  readonly features: readonly string[];
  /** Display names by the name alerts use (`services:` in the file): each account's tweets use its locale's. */
  readonly services: Readonly<Record<string, string>>;
  /** What features and platforms are beyond their words (`traits:` in the file). */
  readonly traits: Traits;
}

export interface ParsedCatalog {
  /** Present only when there were no problems. */
  catalog?: Catalog;
  problems: CatalogProblem[];
  /** Situation-like keys found in the file, valid or not, for comparing locales. */
  keys: string[];
}

const variantList = z.array(z.string().trim().min(1, 'empty text')).min(1, 'needs at least one variant');

// Built from SITUATIONS so adding a situation above is the only change the schema needs.
const pieceTexts = (arity: number) => z.array(z.string().trim().min(1, 'empty text')).length(arity, `needs exactly ${arity} text(s)`);

const fileSchema = (() => {
  const top: Record<string, z.ZodType> = {};
  const groups: Record<string, Record<string, z.ZodType>> = {};
  for (const situation of [...SITUATIONS, ...PIECES]) {
    const [group, name] = situation.split('.') as [string, string | undefined];
    const list = PIECES.includes(situation as Piece) ? pieceTexts(pieceArity(situation)) : variantList;
    if (name === undefined) top[group] = list;
    else (groups[group] ??= {})[name] = list;
  }
  for (const [group, shape] of Object.entries(groups)) top[group] = z.strictObject(shape);
  // The features' sections take any feature name (features are data).
  // The operator's service names as this locale's followers read them: `KakaoTalk: 카카오톡`.
  top.traits = traitsSchema;
  top.services = z.record(z.string().min(1), z.string().trim().min(1, 'empty name').max(60, 'at most 60 characters')).optional();
  for (const kind of FEATURE_PIECES) top[kind] = z.record(z.string().regex(FEATURE_NAME, `a feature name: ${FEATURE_NAME_RULE}`), pieceTexts(pieceArity(`${kind}.x`)));
  return z.strictObject(top);
})();

/** The features a parsed file declares, and a problem for each feature one of its four sections lacks. */
function declaredFeatures(data: Record<string, unknown>, file: string): { features: string[]; problems: CatalogProblem[] } {
  const named = (kind: FeaturePiece) => Object.keys((data[kind] ?? {}) as Record<string, unknown>);
  const features = [...new Set(FEATURE_PIECES.flatMap(named))];
  const problems = FEATURE_PIECES.flatMap((kind) =>
    features.filter((f) => !named(kind).includes(f)).map((f): CatalogProblem => ({ file, key: `${kind}.${f}`, code: 'missing-key', message: `feature ${f} needs its ${kind} words too: every feature has impact, advice, tips and problem` })),
  );
  if (features.length === 0) problems.push({ file, key: 'impact', code: 'missing-key', message: 'no feature is declared: give at least one its impact, advice, tips and problem' });
  const traits = ((data.traits ?? {}) as { features?: Record<string, unknown> }).features ?? {};
  for (const f of Object.keys(traits).filter((name) => !features.includes(name))) {
    problems.push({ file, key: `traits.features.${f}`, code: 'unknown-key', message: `traits for ${f}, which has no words here: a typo, or give it impact, advice, tips and problem` });
  }
  return { features, problems };
}

const SYNTAX_HINTS: Record<string, string> = {
  EXPECT_ARGUMENT_CLOSING_BRACE: 'a { is never closed with }',
  EMPTY_ARGUMENT: '{} has no variable name in it',
  MALFORMED_ARGUMENT: 'a {…} does not hold a valid variable name',
};

/** Checks and compiles one catalog file's text. Never throws: problems are returned. */
export function parseCatalog(source: string, file: string, locale: string): ParsedCatalog {
  const problems: CatalogProblem[] = [];
  const doc = parseDocument(source, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) problems.push({ file, key: '(file)', code: 'yaml', message: `not valid YAML: ${e.message.split('\n')[0]}` });
    return { problems, keys: [] };
  }
  const raw: unknown = doc.toJS();
  const keys = situationKeys(raw);
  const parsed = fileSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(...describeIssue(file, raw, issue));
    return { problems, keys };
  }

  const declared = declaredFeatures(parsed.data as Record<string, unknown>, file);
  if (declared.problems.length > 0) return { problems: declared.problems, keys };
  const pieces = [...featurePieces(declared.features), ...PIECES];
  const situations = new Map<Situation | Piece, MessageVariant[]>();
  for (const situation of [...SITUATIONS, ...pieces]) {
    const [group, name] = situation.split('.') as [string, string | undefined];
    const node = (parsed.data as Record<string, unknown>)[group];
    const sources = (name === undefined ? node : (node as Record<string, unknown>)[name]) as string[];
    const allowed: readonly string[] = (SITUATION_VARIABLES as Record<string, readonly string[]>)[situation] ?? pieceVariables(situation);
    const compiled = sources.map((text, variant): MessageVariant | undefined => {
      const trimmed = text.trim();
      let message: IntlMessageFormat;
      try {
        message = new IntlMessageFormat(trimmed, locale, undefined, { ignoreTag: true });
      } catch (e) {
        const code = e instanceof Error ? e.message : String(e);
        const column = (e as { location?: { start?: { column?: number } } }).location?.start?.column;
        const hint = SYNTAX_HINTS[code] ?? 'see messages/README.md';
        problems.push({ file, key: situation, variant, code: 'syntax', message: `ICU syntax error ${code}${column ? ` at column ${column}` : ''}: ${hint}` });
        return undefined;
      }
      const variables = variablesOf(message.getAst());
      for (const name of variables.filter((v) => !allowed.includes(v))) {
        problems.push({ file, key: situation, variant, code: 'unknown-variable', message: `unknown variable {${name}}; ${situation} provides ${allowed.map((v) => `{${v}}`).join(', ')}` });
      }
      return { source: trimmed, message, variables };
    });
    situations.set(situation, compiled.filter((v): v is MessageVariant => v !== undefined));
  }
  if (problems.length > 0) return { problems, keys };
  const only = <K extends Situation | Piece>(names: readonly K[]) => new Map(names.map((n) => [n, situations.get(n) ?? []] as const));
  const data = parsed.data as Record<string, unknown>;
  return { catalog: { locale, file, situations: only(SITUATIONS), pieces: only(pieces), features: declared.features, services: (data.services ?? {}) as Record<string, string>, traits: data.traits as Traits }, problems, keys };
}

type Ast = ReturnType<IntlMessageFormat['getAst']>;

function variablesOf(ast: Ast, found = new Set<string>()): string[] {
  for (const el of ast) {
    // Literals (0) and `#` inside plurals (7) carry no variable; every other element names one.
    if (el.type !== 0 && el.type !== 7 && 'value' in el && typeof el.value === 'string') found.add(el.value);
    if ('options' in el) for (const option of Object.values(el.options)) variablesOf(option.value, found);
    if ('children' in el) variablesOf(el.children, found);
  }
  return [...found];
}

function situationKeys(raw: unknown): string[] {
  if (!isRecord(raw)) return [];
  // Service names are the operator's, not words every locale must have; traits are compared whole (lint-messages.ts).
  return Object.entries(raw).filter(([key]) => key !== 'services' && key !== 'traits').flatMap(([key, value]) => (isRecord(value) ? Object.keys(value).map((k) => `${key}.${k}`) : [key]));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeIssue(file: string, raw: unknown, issue: z.core.$ZodIssue): CatalogProblem[] {
  const variantAt = issue.path.findIndex((p) => typeof p === 'number');
  const keyPath = (variantAt === -1 ? issue.path : issue.path.slice(0, variantAt)).map(String);
  const variant = variantAt === -1 ? undefined : (issue.path[variantAt] as number);
  const key = keyPath.join('.') || '(file)';
  // The path ends with the key that is not a feature name (`impact.pc_typo`).
  if (issue.code === 'invalid_key') return [{ file, key, code: 'unknown-key', message: `not a feature name (${FEATURE_NAME_RULE}): a typo?` }];
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((k) => ({ file, key: [...keyPath, k].join('.'), code: 'unknown-key' as const, message: 'not a situation herald uses (a typo?)' }));
  }
  if (variant === undefined && valueAt(raw, keyPath) === undefined) {
    return [{ file, key, code: 'missing-key', message: 'missing: every locale needs this situation' }];
  }
  return [{ file, key, variant, code: 'invalid', message: issue.message }];
}

function valueAt(raw: unknown, keyPath: readonly string[]): unknown {
  let node = raw;
  for (const k of keyPath) node = isRecord(node) ? node[k] : undefined;
  return node;
}

/** Locales with a catalog in `dir`: the `*.yaml` file names, sorted. */
export function catalogLocales(dir: string = DEFAULT_MESSAGES_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -'.yaml'.length)).sort();
}

const cache = new Map<string, Map<string, Catalog>>();

/**
 * The catalog for `locale` (`ko-KR` reads `ko.yaml`) from `dir`, compiled once per directory and
 * locale. Throws a {@link CatalogError} listing every problem in the file.
 */
export function loadCatalog(dir: string, locale: string): Catalog {
  const root = path.resolve(dir);
  const language = languageOf(locale);
  const cached = cache.get(root)?.get(language);
  if (cached) return cached;
  const file = path.join(root, `${language}.yaml`);
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CatalogError([{ file, key: '(file)', code: 'unreadable', message: `cannot be read: ${(e as Error).message}` }]);
  }
  const { catalog, problems } = parseCatalog(source, file, language);
  if (!catalog) throw new CatalogError(problems);
  if (!cache.has(root)) cache.set(root, new Map());
  cache.get(root)!.set(language, catalog);
  return catalog;
}

/**
 * The features every locale in `dir` gives words to: what webhooks, routes and the console may
 * name. Throws a {@link CatalogError} when a catalog is broken (herald then does not start).
 */
/** The service names (as alerts write them) that any locale's `services:` gives words to: with HERALD_SERVICES, the names herald may tweet. */
export function definedServices(dir: string = DEFAULT_MESSAGES_DIR): string[] {
  return [...new Set(catalogLocales(dir).flatMap((locale) => Object.keys(loadCatalog(dir, locale).services)))];
}

export function definedFeatures(dir: string = DEFAULT_MESSAGES_DIR): string[] {
  const catalogs = catalogLocales(dir).map((locale) => loadCatalog(dir, locale));
  const [first, ...rest] = catalogs;
  return (first?.features ?? []).filter((f) => rest.every((c) => c.features.includes(f)));
}
