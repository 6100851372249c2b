/**
 * What the first tweet of an outage keeps to the last (fitting.ts): every variant of `open` (the
 * short ones too, since the fitting order may end on them) says what is wrong and for whom
 * ({impact}), since when ({time}), that it is not the reader's device, the main do/don't
 * ({advice}) and the apology; `reopened` says what is wrong, what to do and sorry. The next update
 * is kept by the groups: a variant with {nextUpdate} is always chosen when the time is known.
 * Checked on rendered text, so it holds whatever pieces or selects a variant is written with.
 */
import type { Catalog, Situation } from './catalog.ts';
import type { CatalogProblem } from './errors.ts';
import { languageOf } from './locale-format.ts';

const APOLOGY: Record<string, RegExp> = {
  ko: /죄송/,
  en: /\bsorry\b|\bapologi[sz]e/i,
  ja: /申し訳/,
};

const DEVICE: Record<string, RegExp> = {
  ko: /휴대폰|스마트폰|기기|PC|컴퓨터/,
  en: /\b(phone|device|computer|PC)\b/i,
  ja: /スマホ|スマートフォン|端末|PC|パソコン/,
};

interface Keep {
  variables: readonly string[];
  apology: boolean;
  device: boolean;
}

const KEEP: Partial<Record<Situation, Keep>> = {
  open: { variables: ['impact', 'time', 'advice'], apology: true, device: true },
  reopened: { variables: ['impact', 'advice'], apology: true, device: false },
};

/**
 * Situations that carry staff's public note: every variant places {note}, so a note is given up
 * only by the fitting order (fitting.ts), never by which wording the rotation picked.
 */
const CARRY_NOTE: readonly Situation[] = ['update', 'identified', 'monitoring', 'meanwhile', 'resolved', 'standalone.update', 'standalone.resolved'];

/**
 * Problems with the parts `open` and `reopened` must keep, and with the note; `render` gives a
 * variant's text with ordinary values, or with some of them set.
 */
export function lintKept(catalog: Catalog, render: (situation: Situation, index: number, values?: Record<string, string>) => string | undefined): CatalogProblem[] {
  const language = languageOf(catalog.locale);
  const problems: CatalogProblem[] = [];
  for (const [situation, keep] of Object.entries(KEEP) as Array<[Situation, Keep]>) {
    (catalog.situations.get(situation) ?? []).forEach((variant, index) => {
      const missing = keep.variables.filter((name) => !variant.variables.includes(name)).map((name) => `{${name}}`);
      const text = render(situation, index);
      if (text !== undefined && keep.apology && APOLOGY[language] && !APOLOGY[language].test(text)) missing.push('the apology');
      if (text !== undefined && keep.device && DEVICE[language] && !DEVICE[language].test(text)) missing.push("that it is not the reader's device");
      if (missing.length === 0) return;
      problems.push({ file: catalog.file, key: situation, variant: index, code: 'style', message: `does not keep ${missing.join(', ')}: every ${situation} variant, the short one too, must (docs/messages.md, "When it does not fit")` });
    });
  }
  for (const situation of CARRY_NOTE) {
    (catalog.situations.get(situation) ?? []).forEach((variant, index) => {
      if (variant.variables.includes('note')) return;
      problems.push({ file: catalog.file, key: situation, variant: index, code: 'style', message: `does not place {note}: staff's public note goes in every ${situation} variant, and gives way only when the tweet does not fit` });
    });
  }
  problems.push(...lintExplained(catalog, render));
  return problems;
}

/**
 * With staff's note beside it, the phase is `explained` (compose.ts): a variant that words
 * `identified` must word `explained` too, or the select's other case would say "still looking for
 * the cause" right before the cause.
 */
function lintExplained(catalog: Catalog, render: (situation: Situation, index: number, values?: Record<string, string>) => string | undefined): CatalogProblem[] {
  const problems: CatalogProblem[] = [];
  for (const [situation, variants] of catalog.situations) {
    variants.forEach((variant, index) => {
      if (!variant.variables.includes('phase')) return;
      const [identified, explained, investigating] = ['identified', 'explained', 'investigating'].map((phase) => render(situation, index, { phase }));
      if (identified === undefined || identified === investigating || explained !== investigating) return;
      problems.push({ file: catalog.file, key: situation, variant: index, code: 'style', message: 'its {phase} select words identified but not explained (the cause is known and staff\'s note says it): add an explained case that does not repeat "we found the cause"' });
    });
  }
  return problems;
}
