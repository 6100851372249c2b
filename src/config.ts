import { IANAZone } from 'luxon';
import { z } from 'zod';

/**
 * Everything herald can be told, parsed once at start from an environment-like record. Only
 * `main.ts` passes `process.env`; tests pass their own records. Every problem is listed at once.
 */

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const seconds = (fallback: number) => z.coerce.number().min(0).default(fallback);

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('127.0.0.1'),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  HERALD_REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_{}-]+$/, 'letters, digits, _ - { } only').default('herald'),
  X_APP_KEY: optionalText,
  X_APP_SECRET: optionalText,
  X_ACCESS_TOKEN: optionalText,
  X_ACCESS_SECRET: optionalText,
  X_API_BASE_URL: z.string().url().default('https://api.x.com'),
  X_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  WEBHOOK_TOKEN: optionalText,
  HERALD_LOCALE: z.enum(['ko', 'en', 'ja']).default('ko'),
  HERALD_TIMEZONE: z
    .string()
    .default('Asia/Seoul')
    .refine((zone) => IANAZone.isValidZone(zone), 'not an IANA time zone such as Asia/Seoul'),
  HERALD_GRACE_SECONDS: seconds(120),
  HERALD_REOPEN_WINDOW_SECONDS: seconds(3600),
  HERALD_APPROVAL: z.enum(['auto']).default('auto'),
  HERALD_RETENTION_DAYS: z.coerce.number().positive().default(30),
  HERALD_STATUS_URL: optionalText,
  HERALD_DATA_DIR: z.string().default('data'),
  HERALD_OUTBOX: optionalText,
  HERALD_MESSAGES_DIR: z.string().default('messages'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

const X_CREDENTIALS = ['X_APP_KEY', 'X_APP_SECRET', 'X_ACCESS_TOKEN', 'X_ACCESS_SECRET'] as const;

export interface XCredentials {
  appKey: string;
  appSecret: string;
  accessToken: string;
  accessSecret: string;
}

export interface Config {
  port: number;
  host: string;
  redisUrl: string;
  redisPrefix: string;
  /** Absent in dry-run. */
  x?: XCredentials & { baseUrl: string; timeoutMs: number };
  /** Why herald runs in the mode it does, for the first log lines. */
  modeReason: string;
  webhookToken?: string;
  locale: 'ko' | 'en' | 'ja';
  timezone: string;
  graceMs: number;
  reopenWindowMs: number;
  approval: 'auto';
  /** A resolved incident with nothing left to post is removed from Redis this long after its last change. */
  retentionMs: number;
  statusUrl?: string;
  dataDir: string;
  outboxPath: string;
  messagesDir: string;
  logLevel: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`herald cannot start, its configuration has ${problems.length} problem(s):\n  - ${problems.join('\n  - ')}`);
  }
}

export function loadConfig(env: Record<string, string | undefined>): Readonly<Config> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const e = parsed.data;
  const given = X_CREDENTIALS.filter((name) => e[name] !== undefined);
  if (given.length > 0 && given.length < X_CREDENTIALS.length) {
    const missing = X_CREDENTIALS.filter((name) => e[name] === undefined);
    throw new ConfigError([`X credentials are incomplete: ${missing.join(', ')} missing (set all four, or none for dry-run)`]);
  }
  const x =
    given.length === X_CREDENTIALS.length
      ? {
          appKey: e.X_APP_KEY!,
          appSecret: e.X_APP_SECRET!,
          accessToken: e.X_ACCESS_TOKEN!,
          accessSecret: e.X_ACCESS_SECRET!,
          baseUrl: e.X_API_BASE_URL.replace(/\/+$/, ''),
          timeoutMs: e.X_TIMEOUT_MS,
        }
      : undefined;
  const outboxPath = e.HERALD_OUTBOX ?? `${e.HERALD_DATA_DIR}/outbox.jsonl`;
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.HERALD_REDIS_PREFIX,
    x,
    modeReason: x
      ? `posting to X at ${x.baseUrl} with the credentials in X_APP_KEY, X_APP_SECRET, X_ACCESS_TOKEN, X_ACCESS_SECRET`
      : `dry-run: no X credentials are set (X_APP_KEY, X_APP_SECRET, X_ACCESS_TOKEN, X_ACCESS_SECRET), so tweets go to ${outboxPath}`,
    webhookToken: e.WEBHOOK_TOKEN,
    locale: e.HERALD_LOCALE,
    timezone: e.HERALD_TIMEZONE,
    graceMs: Math.round(e.HERALD_GRACE_SECONDS * 1000),
    reopenWindowMs: Math.round(e.HERALD_REOPEN_WINDOW_SECONDS * 1000),
    approval: e.HERALD_APPROVAL,
    retentionMs: Math.round(e.HERALD_RETENTION_DAYS * 24 * 3600 * 1000),
    statusUrl: e.HERALD_STATUS_URL,
    dataDir: e.HERALD_DATA_DIR,
    outboxPath,
    messagesDir: e.HERALD_MESSAGES_DIR,
    logLevel: e.LOG_LEVEL,
  });
}
