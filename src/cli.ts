/**
 * herald's command line: a table of subcommands, each owning its arguments and output. Add a
 * command by writing a `CliCommand` next to the code it drives and listing it in `commands`.
 * `bin/herald.js` calls {@link main}; nothing here runs on import.
 */
import { CatalogError, ComposeError } from './compose/errors.ts';
import { lintMessagesCommand } from './compose/lint-messages.ts';
import { previewCommand } from './compose/preview.ts';
import { reportCommand } from './journal/report-command.ts';
import { draftsCommand } from './console/drafts-cli.ts';
import { hashPasswordCommand } from './console/hash-password-cli.ts';
import type { CliCommand, CliIo } from './cli-command.ts';
import { apiClientSettings, catalogSettings, noSettings, previewSettings, reportSettings } from './cli-settings.ts';
import { ConfigError } from './config.ts';
import { maintenanceCommand } from './maintenance/adapters/cli.ts';
import { incidentCommand } from './incidents/adapters/incident-cli.ts';

export type { CliCommand, CliIo } from './cli-command.ts';

/** A command with the settings it reads, loaded just before it runs. */
interface Runnable {
  summary: string;
  usage: string;
  run(args: string[], io: CliIo): Promise<number>;
}

function reading<S>(command: CliCommand<S>, settings: (env: CliIo['env']) => S): Runnable {
  return { summary: command.summary, usage: command.usage, run: (args, io) => command.run(args, io, settings(io.env)) };
}

const commands: Record<string, Runnable> = {
  preview: reading(previewCommand, previewSettings),
  'lint-messages': reading(lintMessagesCommand, catalogSettings),
  report: reading(reportCommand, reportSettings),
  drafts: reading(draftsCommand, apiClientSettings),
  'hash-password': reading(hashPasswordCommand, noSettings),
  maintenance: reading(maintenanceCommand, apiClientSettings),
  incident: reading(incidentCommand, apiClientSettings),
};

function help(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `usage: herald <command> [options]\n\ncommands:\n${lines.join('\n')}\n`;
}

/** The process's own streams, environment and directory. */
export function processIo(): CliIo {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    stdin: process.stdin,
  };
}

/** Runs `herald <argv...>` and resolves to the exit code. Errors a person can act on are printed, not thrown. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    io.err(help());
    return 2;
  }
  if (name === 'help' || name === '--help' || name === '-h') {
    io.out(help());
    return 0;
  }
  const command = commands[name];
  if (!command) {
    io.err(`unknown command: ${name}\n\n${help()}`);
    return 2;
  }
  try {
    return await command.run(args, io);
  } catch (e) {
    if ((e as { code?: unknown }).code?.toString().startsWith('ERR_PARSE_ARGS')) {
      io.err(`${(e as Error).message}\nusage: ${command.usage}\n`);
      return 2;
    }
    if (e instanceof ConfigError) {
      io.err(`${e.message}\n`);
      return 2;
    }
    if (e instanceof CatalogError || e instanceof ComposeError) {
      io.err(`${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
