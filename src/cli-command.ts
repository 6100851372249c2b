/**
 * What a subcommand of `herald` is and what it may touch. Apart from cli.ts (the table of commands)
 * so each command, written next to the code it drives, imports this and not the table.
 */

/** What the command line runs with: its output streams, the environment and the directory it runs in. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Standard input, for commands that read a secret (`hash-password`). */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };
}

/** What a command sees: no environment; its settings come parsed by the config loader (cli-settings.ts). */
export type CommandIo = Omit<CliIo, 'env'>;

export interface CliCommand<Settings = undefined> {
  /** One line for `herald help`. */
  summary: string;
  usage: string;
  /** Resolves to the exit code: 0 done, 1 failed, 2 used wrongly. */
  run(args: string[], io: CommandIo, settings: Settings): Promise<number>;
}
