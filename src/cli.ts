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
import type { CliCommand, CliIo, CommandIo } from './cli-command.ts';
import { apiClientSettings, catalogSettings, cliSpeech, noSettings, previewSettings, reportSettings, serviceSettings } from './cli-settings.ts';
import type { Translator } from './console/i18n.ts';
import { ConfigError } from './config.ts';
import { maintenanceCommand } from './maintenance/adapters/cli.ts';
import { incidentCommand } from './incidents/adapters/incident-cli.ts';
import { heraldVersion } from './version.ts';

export type { CliCommand, CliIo } from './cli-command.ts';

/** A command with the settings it reads, loaded just before it runs; what it does is `cli.summary.<name>`. */
interface Runnable {
  usage: string;
  run(args: string[], io: CommandIo, env: CliIo['env']): Promise<number>;
}

function reading<S>(command: CliCommand<S>, settings: (env: CliIo['env']) => S): Runnable {
  return { usage: command.usage, run: (args, io, env) => command.run(args, io, settings(env)) };
}

type Run<S> = (args: string[], io: CommandIo, settings: S, usage: string) => Promise<number>;

/** A command whose code loads only when it runs: the service's wiring is not loaded for `preview`. */
function later<S>(usage: string, load: () => Promise<Run<S>>, settings: (env: CliIo['env'], cwd: string) => S): Runnable {
  return { usage, run: async (args, io, env) => (await load())(args, io, settings(env, io.cwd), usage) };
}

const commands: Record<string, Runnable> = {
  serve: later('herald serve [--role api|worker|all]', async () => (await import('./app/serve.ts')).serve, serviceSettings),
  'check-config': later('herald check-config', async () => (await import('./app/check-config.ts')).checkConfig, serviceSettings),
  preview: reading(previewCommand, previewSettings),
  'lint-messages': reading(lintMessagesCommand, catalogSettings),
  report: reading(reportCommand, reportSettings),
  drafts: reading(draftsCommand, apiClientSettings),
  'hash-password': reading(hashPasswordCommand, noSettings),
  maintenance: reading(maintenanceCommand, apiClientSettings),
  incident: reading(incidentCommand, apiClientSettings),
};

/** `check-config` → `cli.summary.checkConfig`: catalog keys are words, command names kebab-case. */
const summaryOf = (tr: Translator, name: string) => tr.t(`cli.summary.${name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())}`);
const noteOf = (tr: Translator, name: string) => tr.maybe(`cli.note.${name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())}`);

function help(tr: Translator): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.keys(commands).map((name) => `  ${name.padEnd(width)}  ${summaryOf(tr, name)}`);
  return `${tr.t('cli.usage', { syntax: tr.t('cli.help.syntax') })}\n\n${tr.t('cli.help.commands')}\n${lines.join('\n')}\n\n${tr.t('cli.help.more')}\n`;
}

function commandHelp(tr: Translator, name: string, command: Runnable): string {
  const note = noteOf(tr, name);
  return `herald ${name}: ${summaryOf(tr, name)}\n\n${tr.t('cli.usage', { syntax: command.usage })}\n${note ? `\n${note}\n` : ''}`;
}

/**
 * Node's own words for arguments it cannot read (util.parseArgs), said in the reader's language:
 * its message quotes the option or argument, its code says which mistake it is.
 */
function argumentProblem(tr: Translator, error: Error & { code?: string }): string {
  const quoted = /'([^']+)'/.exec(error.message)?.[1] ?? '';
  const option = quoted.split(' ')[0]!;
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return tr.t('cli.args.unknownOption', { option });
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return tr.t('cli.args.missingValue', { option });
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return tr.t('cli.args.unexpected', { argument: quoted });
    default:
      return tr.t('cli.args.other', { option: quoted });
  }
}

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
export async function main(argv: readonly string[], given: CliIo = processIo()): Promise<number> {
  const { env, ...rest } = given;
  const io: CommandIo = { ...rest, ...cliSpeech(env) };
  const { tr } = io;
  const [name, ...args] = argv;
  if (name === undefined) {
    io.err(help(tr));
    return 2;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    io.out(versionLine());
    return 0;
  }
  if (name === 'help' || name === '--help' || name === '-h') {
    const topic = name === 'help' ? args[0] : undefined;
    if (topic === undefined) {
      io.out(help(tr));
      return 0;
    }
    const about = commands[topic];
    if (!about) {
      io.err(`${tr.t('cli.unknownCommand', { name: topic })}\n\n${help(tr)}`);
      return 2;
    }
    io.out(commandHelp(tr, topic, about));
    return 0;
  }
  const command = commands[name];
  if (!command) {
    io.err(`${tr.t('cli.unknownCommand', { name })}\n\n${help(tr)}`);
    return 2;
  }
  if (asksForHelp(args)) {
    io.out(commandHelp(tr, name, command));
    return 0;
  }
  try {
    return await command.run(args, io, env);
  } catch (e) {
    if ((e as { code?: unknown }).code?.toString().startsWith('ERR_PARSE_ARGS')) {
      io.err(`${argumentProblem(tr, e as Error)}\n${tr.t('cli.usage', { syntax: command.usage })}\n`);
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
