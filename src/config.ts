import { IANAZone } from 'luxon';
import { z } from 'zod';
import { loadAccountsFile, type AccountConfig } from './accounts/config.ts';
import { loadApprovalPolicy } from './approval/policy-file.ts';
import type { ApprovalPolicy } from './approval/policy.ts';
import { loadUsers, type ConsoleUser } from './console/users.ts';
import { loadRouteTable } from './incidents/routes-file.ts';
import type { RouteTable } from './incidents/routing.ts';

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
  ALERTMANAGER_TOKEN: optionalText,
  GRAFANA_TOKEN: optionalText,
  PAGERDUTY_WEBHOOK_SECRET: optionalText,
  DATADOG_TOKEN: optionalText,
  WEBHOOK_HMAC_SECRET: optionalText,
  HERALD_ROUTES: optionalText,
  HERALD_LOCALE: z.enum(['ko', 'en', 'ja']).default('ko'),
  HERALD_TIMEZONE: z
    .string()
    .default('Asia/Seoul')
    .refine((zone) => IANAZone.isValidZone(zone), 'not an IANA time zone such as Asia/Seoul'),
  HERALD_GRACE_SECONDS: seconds(120),
  HERALD_REOPEN_WINDOW_SECONDS: seconds(3600),
  HERALD_APPROVAL: z.enum(['auto', 'required']).default('auto'),
  HERALD_APPROVAL_RULES: optionalText,
  HERALD_USERS_FILE: optionalText,
  HERALD_API_TOKEN: optionalText,
  HERALD_SESSION_HOURS: z.coerce.number().positive().default(12),
  HERALD_STATUS_URL: optionalText,
  HERALD_DATA_DIR: z.string().default('data'),
  HERALD_OUTBOX: optionalText,
  HERALD_MESSAGES_DIR: z.string().default('messages'),
  HERALD_X_USERNAME: z.string().regex(/^@?\w{1,15}$/, 'an X username such as kakaotalk_status').optional().transform((v) => v?.replace(/^@/, '')),
  HERALD_FOLLOWUP_MINUTES: z.coerce.number().min(0).default(30),
  HERALD_ACCOUNTS_FILE: optionalText,
  HERALD_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  HERALD_METRICS_TOKEN: optionalText,
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
  /** Secrets of the monitoring webhooks; an unset one turns its route off (404). */
  sourceSecrets: { alertmanager?: string; grafana?: string; pagerduty?: string; datadog?: string; webhookHmac?: string };
  /** The parsed `HERALD_ROUTES` file; absent, the pinned label rules decide what is public. */
  routes?: RouteTable;
  locale: 'ko' | 'en' | 'ja';
  timezone: string;
  graceMs: number;
  reopenWindowMs: number;
  approval: 'auto' | 'required';
  /** From HERALD_APPROVAL and the HERALD_APPROVAL_RULES file (approval/policy-file.ts). */
  approvalPolicy: ApprovalPolicy;
  /** Console users from HERALD_USERS_FILE; none means only the API token gets in. */
  users: readonly ConsoleUser[];
  /** Bearer token that acts as an admin on the API (automation, the CLI). */
  apiToken?: string;
  sessionMs: number;
  statusUrl?: string;
  dataDir: string;
  outboxPath: string;
  messagesDir: string;
  logLevel: string;
  /** While an incident is open, a threaded update this long after the latest post; 0: none. */
  followUpMs: number;
  /** The account's X username, for links to its tweets; unset: X's username-free links. */
  xUsername?: string;
  /** Accounts besides the default one, from HERALD_ACCOUNTS_FILE (see accounts/config.ts). */
  accounts: readonly AccountConfig[];
  /** Where a worker-only process serves `/metrics` and health; unset: it serves no HTTP. */
  metricsPort?: number;
  /** Bearer token `/metrics` asks for; unset: open (restrict it at the network). */
  metricsToken?: string;
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
  // Every file named in the environment is read and checked, and all their problems told at once.
  const policy = loadApprovalPolicy(e.HERALD_APPROVAL, e.HERALD_APPROVAL_RULES);
  const users = loadUsers(e.HERALD_USERS_FILE);
  const routes = e.HERALD_ROUTES ? loadRouteTable(e.HERALD_ROUTES) : undefined;
  const extra = e.HERALD_ACCOUNTS_FILE
    ? loadAccountsFile(e.HERALD_ACCOUNTS_FILE, env, { baseUrl: e.X_API_BASE_URL.replace(/\/+$/, ''), timeoutMs: e.X_TIMEOUT_MS, dataDir: e.HERALD_DATA_DIR })
    : { accounts: [], problems: [] };
  const problems = [...policy.problems, ...users.problems, ...(routes?.problems ?? []), ...extra.problems];
  if (problems.length > 0) throw new ConfigError(problems);
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
    sourceSecrets: {
      alertmanager: e.ALERTMANAGER_TOKEN,
      grafana: e.GRAFANA_TOKEN,
      pagerduty: e.PAGERDUTY_WEBHOOK_SECRET,
      datadog: e.DATADOG_TOKEN,
      webhookHmac: e.WEBHOOK_HMAC_SECRET,
    },
    routes: routes?.table,
    locale: e.HERALD_LOCALE,
    timezone: e.HERALD_TIMEZONE,
    graceMs: Math.round(e.HERALD_GRACE_SECONDS * 1000),
    reopenWindowMs: Math.round(e.HERALD_REOPEN_WINDOW_SECONDS * 1000),
    approval: e.HERALD_APPROVAL,
    approvalPolicy: policy.policy!,
    users: users.users,
    apiToken: e.HERALD_API_TOKEN,
    sessionMs: Math.round(e.HERALD_SESSION_HOURS * 3600_000),
    statusUrl: e.HERALD_STATUS_URL,
    dataDir: e.HERALD_DATA_DIR,
    outboxPath,
    messagesDir: e.HERALD_MESSAGES_DIR,
    logLevel: e.LOG_LEVEL,
    followUpMs: Math.round(e.HERALD_FOLLOWUP_MINUTES * 60_000),
    xUsername: e.HERALD_X_USERNAME,
    accounts: Object.freeze(extra.accounts),
    metricsPort: e.HERALD_METRICS_PORT,
    metricsToken: e.HERALD_METRICS_TOKEN,
  });
}
