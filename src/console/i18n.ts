import { readFileSync } from 'node:fs';
import IntlMessageFormat from 'intl-messageformat';
import { parse } from 'yaml';

/**
 * The words of the console and of staff notices, in ICU MessageFormat as herald's tweets are
 * (intl-messageformat), from `src/console/messages/<locale>.yaml`. Keys are the YAML paths joined
 * with dots. Every locale has every key (test/console-language.test.ts checks it, and that every
 * key the code asks for exists), so a missing word is a failed test, not a blank in the console.
 */

export const CONSOLE_LOCALES = ['ko', 'ja', 'en'] as const;
export type ConsoleLocale = (typeof CONSOLE_LOCALES)[number];

export type Values = Record<string, string | number | boolean | Date | null | undefined>;

export interface Translator {
  readonly locale: ConsoleLocale;
  t(key: string, values?: Values): string;
  /** The key's message when it exists, else undefined: for words that name data (an audit action). */
  maybe(key: string, values?: Values): string | undefined;
}

const DIR = new URL('./messages/', import.meta.url);

/** Flattens `{a: {b: 'x'}}` into `{'a.b': 'x'}`. */
export function flatten(node: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (typeof node === 'string') out[prefix] = node;
  else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  return out;
}

export function catalogSource(locale: ConsoleLocale): Record<string, string> {
  return flatten(parse(readFileSync(new URL(`${locale}.yaml`, DIR), 'utf8')));
}

const translators = new Map<ConsoleLocale, Translator>();

export function translator(locale: ConsoleLocale): Translator {
  const known = translators.get(locale);
  if (known) return known;
  const sources = catalogSource(locale);
  const compiled = new Map<string, IntlMessageFormat>();
  const format = (key: string, values?: Values): string | undefined => {
    const source = sources[key];
    if (source === undefined) return undefined;
    let message = compiled.get(key);
    if (!message) compiled.set(key, (message = new IntlMessageFormat(source, locale, undefined, { ignoreTag: true })));
    return String(message.format(values as Record<string, string>));
  };
  const made: Translator = {
    locale,
    // A key missing in production shows as itself rather than breaking the page; tests forbid it.
    t: (key, values) => format(key, values) ?? key,
    maybe: format,
  };
  translators.set(locale, made);
  return made;
}

export const isConsoleLocale = (value: unknown): value is ConsoleLocale => CONSOLE_LOCALES.includes(value as ConsoleLocale);
