/**
 * herald's root logger: JSON lines (one object a line, for Loki, CloudWatch, `jq`) unless a person
 * is watching the terminal, where pino-pretty writes them as readable, coloured lines. The choice
 * is made once at start from whether stdout is a terminal, or from LOG_FORMAT.
 */
import { pino, type Logger, type LoggerOptions } from 'pino';

export type LogFormat = 'auto' | 'json' | 'pretty';

/** `auto` means pretty on a terminal and JSON everywhere else (a pipe, a file, a container log). */
export function prettyLogs(format: LogFormat, stdoutIsTerminal: boolean): boolean {
  return format === 'pretty' || (format === 'auto' && stdoutIsTerminal);
}

/** A pino logger writing to stdout in the format `format` asks for. */
export async function createLogger(options: LoggerOptions, format: LogFormat = 'auto'): Promise<Logger> {
  // Written asynchronously: lines that come while a write is under way go out together in the
  // next, instead of a system call each (a storm logs thousands; docs/benchmarks.md). pino flushes
  // what is pending when the process exits, even on an uncaught error; only a SIGKILL can lose the
  // last few milliseconds of lines.
  if (!prettyLogs(format, process.stdout.isTTY === true)) return pino(options, pino.destination({ dest: 1, sync: false }));
  // Loaded only when used: JSON logging never pays for it. Synchronous, in this thread, so the
  // last lines before an exit are not lost.
  const { default: pretty } = await import('pino-pretty');
  return pino(options, pretty({ colorize: process.stdout.isTTY === true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,app', sync: true }));
}
