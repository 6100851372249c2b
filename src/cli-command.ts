/**
 * What a subcommand of `herald` is and what it may touch. Apart from cli.ts (the table of commands)
 * so each command, written next to the code it drives, imports this and not the table.
 */
import type { ReaderClock } from './compose/reader-time.ts';
import type { Translator } from './console/i18n.ts';

/** What the command line runs with: its output streams, the environment and the directory it runs in. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Standard input, for commands that read a secret (`hash-password`). */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };
}

/**
 * Whom a command speaks to: every word it prints comes from the console's catalogs
 * (src/console/messages/, `cli.`) in this language, and times are written in this clock by the
 * one reader-time formatter. Chosen once per run by cli-settings.ts (`cliSpeech`).
 */
export interface CliSpeech {
  tr: Translator;
  clock: ReaderClock;
}

/** What a command sees: no environment; its settings come parsed by the config loader (cli-settings.ts). */
export type CommandIo = Omit<CliIo, 'env'> & CliSpeech;

export interface CliCommand<Settings = undefined> {
  /** The syntax only (options and placeholders); what the command does is `cli.summary.<name>` in the catalogs. */
  usage: string;
  /** Resolves to the exit code: 0 done, 1 failed, 2 used wrongly. */
  run(args: string[], io: CommandIo, settings: Settings): Promise<number>;
}
