import { HeraldError } from '../errors.ts';

/**
 * The two ways composing fails. A `CatalogError` is a broken `messages/*.yaml`: found when the
 * catalog loads (at start, or by `lint-messages`), fixed by editing the file. A `ComposeError` is
 * one tweet that cannot be written; retrying the same input cannot help, so it is never retryable.
 */

/** One thing wrong in a catalog file, located well enough for comms staff to find it. */
export interface CatalogProblem {
  /** File name as given to the loader, e.g. `messages/ko.yaml`. */
  file: string;
  /** Situation key (`open.messaging`), or `(file)` for problems with the whole file. */
  key: string;
  /** 0-based index of the variant in the situation's list, when one variant is at fault. */
  variant?: number;
  code: CatalogProblemCode;
  message: string;
}

export type CatalogProblemCode =
  | 'unreadable' // the file cannot be read
  | 'yaml' // not readable YAML
  | 'missing-key' // a situation every locale must have
  | 'unknown-key' // a key herald does not use (often a typo)
  | 'invalid' // wrong shape: not a list of texts, empty list, empty text
  | 'syntax' // ICU MessageFormat syntax error
  | 'unknown-variable' // a {name} that situation does not provide
  | 'render' // rendering with sample values failed
  | 'too-long' // over 280 with long sample values
  | 'style'; // breaks a rule followers rely on: no service named, a hashtag, a mention, a link

/** `messages/ko.yaml: open.messaging, variant 2: ...`; variants are 1-based for people. */
export function formatProblem(problem: CatalogProblem): string {
  const where = problem.variant === undefined ? problem.key : `${problem.key}, variant ${problem.variant + 1}`;
  return `${problem.file}: ${where}: ${problem.message}`;
}

export class CatalogError extends HeraldError {
  override readonly name = 'CatalogError';
  constructor(readonly problems: readonly CatalogProblem[]) {
    const lines = problems.map(formatProblem);
    super('HERALD_CATALOG', `the message catalog has ${problems.length} problem(s):\n  - ${lines.join('\n  - ')}`, { details: lines });
  }
}

export type ComposeErrorCode =
  | 'invalid-input' // a time that does not parse, an unknown time zone, an empty service name
  | 'missing-variable' // a template needs a value the input does not carry
  | 'locale-mismatch' // the catalog and the requested locale differ
  | 'too-long' // no variant fits in 280, even without the status link
  | 'unsafe-text'; // the text would carry a mention, hashtag, cashtag or stray link

/** The same input always fails the same way (never retryable): fix the input or the catalog instead. */
export class ComposeError extends HeraldError {
  override readonly name = 'ComposeError';
  /** The situation key (`open.messaging`) whose variants failed, when one did. */
  readonly situation?: string;
  /** 0-based index of the failing variant, when one variant is at fault. */
  readonly variant?: number;
  constructor(
    readonly reason: ComposeErrorCode,
    message: string,
    where: { situation?: string; variant?: number; cause?: unknown } = {},
  ) {
    super('HERALD_COMPOSE', message, { cause: where.cause, details: [reason] });
    this.situation = where.situation;
    this.variant = where.variant;
  }
}
