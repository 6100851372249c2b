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
import { apiClientSettings, catalogSettings, noSettings, previewSettings, reportSettings, serviceSettings } from './cli-settings.ts';
import { ConfigError } from './config.ts';
import { maintenanceCommand } from './maintenance/adapters/cli.ts';
import { incidentCommand } from './incidents/adapters/incident-cli.ts';
import { heraldVersion } from './version.ts';

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

type Run<S> = (args: string[], io: CliIo, settings: S, usage: string) => Promise<number>;

/** A command whose code loads only when it runs: the service's wiring is not loaded for `preview`. */
function later<S>(summary: string, usage: string, load: () => Promise<Run<S>>, settings: (env: CliIo['env'], cwd: string) => S): Runnable {
  return { summary, usage, run: async (args, io) => (await load())(args, io, settings(io.env, io.cwd), usage) };
}

const commands: Record<string, Runnable> = {
  serve: later(
    'run the service: webhooks, workers and the console (what `npm start` runs)',
    'herald serve [--role api|worker|all]',
    async () => (await import('./app/serve.ts')).serve,
    serviceSettings,
  ),
  'check-config': later(
    'check the configuration and the files it names, without starting anything',
    'herald check-config',
    async () => (await import('./app/check-config.ts')).checkConfig,
    serviceSettings,
  ),
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
  return (
    `usage: herald <command> [options]\n\ncommands:\n${lines.join('\n')}\n\n` +
    `herald <command> --help (or herald help <command>) tells what a command takes; herald --version, which herald this is.\n`
  );
}

const commandHelp = (name: string, command: Runnable): string => `herald ${name}: ${command.summary}\n\nusage: ${command.usage}\n`;

const versionLine = (): string => `herald ${heraldVersion} (Node.js ${process.versions.node})\n`;

const asksForHelp = (args: readonly string[]): boolean => {
  // Whatever follows `--` is an argument, not an option.
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
};

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
  if (name === '--version' || name === '-V' || name === 'version') {
    io.out(versionLine());
    return 0;
  }
  if (name === 'help' || name === '--help' || name === '-h') {
    const topic = name === 'help' ? args[0] : undefined;
    if (topic === undefined) {
      io.out(help());
      return 0;
    }
    const about = commands[topic];
    if (!about) {
      io.err(`unknown command: ${topic}\n\n${help()}`);
      return 2;
    }
    io.out(commandHelp(topic, about));
    return 0;
  }
  const command = commands[name];
  if (!command) {
    io.err(`unknown command: ${name}\n\n${help()}`);
    return 2;
  }
  if (asksForHelp(args)) {
    io.out(commandHelp(name, command));
    return 0;
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
