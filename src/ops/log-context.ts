/**
 * Carries the incident key (and post id) of the job being worked on to every log line written
 * while it runs, including lines from code that never sees the key, such as the publishers. Set
 * `logMixin` as the root pino logger's `mixin`; wrap a job's work in `withLogContext`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from 'pino';

export interface LogContext {
  incident: string;
  post?: string;
}

const context = new AsyncLocalStorage<LogContext>();

/** Runs `work` with `fields` added to every log line it writes. */
export function withLogContext<T>(fields: LogContext, work: () => T): T {
  return context.run(fields, work);
}

/**
 * The pino `mixin`: the current job's fields, minus those the logger already binds (a child
 * logger made with `{incident}`), so no line carries the same key twice.
 */
export function logMixin(_merge: object, _level: number, logger: Logger): object {
  const fields = context.getStore();
  if (!fields) return {};
  const bound = logger.bindings();
  const extra: Record<string, string> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (value !== undefined && !(name in bound)) extra[name] = value;
  }
  return extra;
}
