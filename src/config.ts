import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { DEFAULT_ACCOUNT, runsDry, type Account, type XApiCredentials } from './accounts/account.ts';
import { loadAccountsFile } from './accounts/config.ts';
import { postingLimits, type NetworkBudgets } from './accounts/limits.ts';
import { DEFAULT_MESSAGES_DIR, definedFeatures, definedServices } from './compose/catalog.ts';
import { CatalogError } from './compose/errors.ts';
import { FEATURES } from './incidents/model.ts';

/** The catalog's service names; a broken catalog is reported at start by its own error (see featuresOf). */
function catalogServices(dir: string): string[] {
  try {
    return definedServices(dir);
  } catch (e) {
    if (e instanceof CatalogError) return [];
    throw e;
  }
}

/**
 * HERALD_SERVICES (comma-separated) and the catalog's `services:` together: the names herald may
 * tweet. Undefined when neither names any: then any well-formed name passes (docs/security.md).
 */
function pinnedServices(raw: string | undefined, dir: string): { services?: readonly string[]; problems: string[] } {
  const listed = (raw ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  const problems = listed.flatMap((name) => {
    const checked = publicServiceName.safeParse(name);
    return checked.success ? [] : [`HERALD_SERVICES: ${JSON.stringify(name)}: ${checked.error.issues.map((i) => i.message).join('; ')}`];
  });
  const all = [...new Set([...listed, ...catalogServices(dir)])];
  return { services: all.length > 0 ? Object.freeze(all) : undefined, problems };
}

/** Live (an account with credentials, not a dry run) with no service names pinned: herald says so at start (serve.ts, check-config). */
export const unpinnedServices = (config: Pick<Config, 'services' | 'accounts'>): boolean =>
  config.services === undefined && config.accounts.some((a) => !runsDry(a));

/** The catalog's features; a broken catalog stops herald at start with its own error, so the shipped ones stand in until then. */
function featuresOf(dir: string): readonly string[] {
  try {
    return definedFeatures(dir);
  } catch (e) {
    if (e instanceof CatalogError) return FEATURES;
    throw e;
  }
}
import { HeraldError } from './errors.ts';
import { loadApprovalPolicy } from './approval/policy-file.ts';
import type { ApprovalPolicy } from './approval/policy.ts';
import { loadUsers, type ConsoleUser } from './auth/users.ts';
import { loadRouteTable } from './incidents/adapters/routes-file.ts';
import { publicServiceName } from './incidents/service-name.ts';
import { DEFAULT_FOLLOW_UPS, fixedCadence, parseFollowUpSchedule, type FollowUpSchedule } from './incidents/follow-up-schedule.ts';
import type { RouteTable } from './incidents/routing.ts';
import type { RedisTarget } from './redis/connect.ts';
import type { ReplicationSettings } from './redis/replicas.ts';
import type { DeliverySettings } from './publish/delivery-guards.ts';

export type { NetworkBudgets };

/**
 * Everything herald can be told, parsed once at start from an environment-like record. This is
 * the only module that interprets the environment: `main.ts` passes `process.env` to
 * {@link loadConfig}, the CLI passes it to {@link loadSettings} through the loader each command
 * declares (cli.ts), tests pass their own records. Every problem is listed at once.
 */

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/** A URL that may be left empty in an .env file. */
const optionalUrl = (hint: string) => optionalText.pipe(z.string().url(hint).optional());

// A follow-up setting, checked at start with the problem in words (follow-up-schedule.ts parses it).
const followUpText = (fallback: string, check: (v: string) => FollowUpSchedule | string) =>
  z.string().default(fallback).superRefine((v, ctx) => {
    const parsed = check(v);
    if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
  });

/** The follow-up schedule the settings name: HERALD_FOLLOWUP_MINUTES when set, else the paced schedule. */
export function followUpScheduleOf(e: { HERALD_FOLLOWUP_MINUTES?: number; HERALD_FOLLOWUP_SCHEDULE: string; HERALD_FOLLOWUP_QUIET: string }, zone: string): FollowUpSchedule {
  if (e.HERALD_FOLLOWUP_MINUTES !== undefined) return { ...fixedCadence(Math.round(e.HERALD_FOLLOWUP_MINUTES * 60_000)), zone };
  const parsed = parseFollowUpSchedule(e.HERALD_FOLLOWUP_SCHEDULE, e.HERALD_FOLLOWUP_QUIET);
  return { ...(typeof parsed === 'string' ? DEFAULT_FOLLOW_UPS : parsed), zone };
}

const seconds = (fallback: number) => z.coerce.number().min(0).default(fallback);
/** A proxy for fastify's `trustProxy` (proxy-addr): an address, a CIDR, or one of its named ranges. */
function isProxyAddress(text: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(text)) return true;
  const [address, bits, extra] = text.split('/');
  return extra === undefined && isIP(address ?? '') !== 0 && (bits === undefined || /^\d{1,3}$/.test(bits));
}

const count = (fallback: number, min = 1) => z.coerce.number().int().min(min).default(fallback);

// `host:port,host:port`, for Redis Cluster seed nodes and Sentinels.
const hostPorts = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    const text = raw?.trim();
    if (!text) return undefined;
    const nodes = text.split(',').map((node) => /^([^\s:]+):(\d{1,5})$/.exec(node.trim()));
    if (nodes.some((m) => m === null)) {
      ctx.addIssue({ code: 'custom', message: 'a comma-separated list of host:port, such as 10.0.0.1:6379,10.0.0.2:6379' });
      return z.NEVER;
    }
    return nodes.map((m) => ({ host: m![1]!, port: Number(m![2]) }));
  });

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('127.0.0.1'),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  REDIS_CLUSTER_NODES: hostPorts,
  REDIS_SENTINELS: hostPorts,
  REDIS_SENTINEL_NAME: z.string().default('mymaster'),
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
  // Where `herald drafts` finds the running herald; unset: http://127.0.0.1:$PORT.
  HERALD_URL: z.string().url().optional(),
  HERALD_SESSION_HOURS: z.coerce.number().positive().default(12),
  HERALD_X_BUDGET_15MIN: count(25),
  HERALD_X_BUDGET_24H: count(100),
  HERALD_X_BUDGET_RESERVE: count(5, 0),
  HERALD_X_REPLY_SHARE_PERCENT: z.coerce.number().min(0).max(90).default(50),
  HERALD_X_READ_BUDGET_15MIN: count(30),
  HERALD_X_PROBE_SECONDS: seconds(300),
  HERALD_X_SETTLE_SECONDS: seconds(5),
  HERALD_JOB_LOCK_SECONDS: z.coerce.number().min(1).default(30),
  HERALD_SWEEP_SECONDS: z.coerce.number().min(0.1).default(30),
  HERALD_RETENTION_DAYS: z.coerce.number().positive().default(400),
  HERALD_STATUS_URL: optionalText,
  HERALD_DATA_DIR: z.string().default('data'),
  HERALD_OUTBOX: optionalText,
  // The catalog shipped beside the code, wherever herald is started from.
  HERALD_MESSAGES_DIR: z.string().default(DEFAULT_MESSAGES_DIR),
  HERALD_X_USERNAME: z.string().regex(/^@?\w{1,15}$/, 'an X username such as kakaotalk_status').optional().transform((v) => v?.replace(/^@/, '')),
  // One cadence at every age, no quiet hours; set, it replaces the schedule below (0: no follow-ups).
  HERALD_FOLLOWUP_MINUTES: z.coerce.number().min(0).optional(),
  HERALD_FOLLOWUP_SCHEDULE: followUpText('30m until 2h, 1h until 6h, 2h', (v) => parseFollowUpSchedule(v, 'off')),
  HERALD_FOLLOWUP_QUIET: followUpText('00-07 2h', (v) => parseFollowUpSchedule('1h', v)),
  HERALD_ACCOUNTS_FILE: optionalText,
  HERALD_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  HERALD_METRICS_TOKEN: optionalText,
  HERALD_REDIS_MIN_REPLICAS: z.coerce.number().int().min(0).optional(),
  HERALD_REDIS_WAIT_MS: z.coerce.number().int().min(10).default(500),
  HERALD_TRUST_PROXY: z
    .string()
    .optional()
    .transform((raw, ctx): false | number | string => {
      const text = raw?.trim() ?? '';
      if (text === '' || text === 'false' || text === '0') return false;
      if (/^\d+$/.test(text)) return Number(text);
      const wrong = text === 'true' ? ['true'] : text.split(',').map((a) => a.trim()).filter((a) => !isProxyAddress(a));
      if (wrong.length === 0) return text;
      ctx.addIssue({
        code: 'custom',
        message: `give the number of proxies in front of herald (e.g. 1) or their addresses/CIDRs, not ${wrong.join(', ')}: "true" would believe any X-Forwarded-For a client makes up (docs/security.md)`,
      });
      return z.NEVER;
    }),
  HERALD_REQUEST_TIMEOUT_SECONDS: z.coerce.number().positive().default(30),
  HERALD_SHUTDOWN_SECONDS: z.coerce.number().positive().default(10),
  HERALD_MAX_ALERTS_PER_PAYLOAD: count(5000),
  HERALD_MAX_FIRING_ALERTS_PER_INCIDENT: count(20_000),
  HERALD_FLOOD_NEW_INCIDENTS_PER_MINUTE: count(20),
  HERALD_MAINTENANCE_GRACE_SECONDS: seconds(600),
  HERALD_BSKY_POINTS_HOUR: count(5000),
  HERALD_BSKY_POINTS_DAY: count(35000),
  HERALD_MASTODON_POSTS_5MIN: count(300),
  HERALD_SERVICES: optionalText,
  HERALD_PUBLIC_URL: optionalText.pipe(z.string().regex(/^https?:\/\/[^\s/?#"'<>]+(\/[^\s?#"'<>]*)?$/, 'an http(s) address such as https://status.example.com, where the status page is reached').optional()),
  HERALD_CONSOLE_URL: optionalUrl('the address people open herald at, such as https://herald.example.com'),
  HERALD_STAFF_SLACK_WEBHOOK_URL: optionalUrl('an incoming webhook URL such as https://hooks.slack.com/services/...'),
  HERALD_STAFF_EMAIL_TO: optionalText,
  HERALD_STAFF_EMAIL_FROM: z.string().default('herald <herald@localhost>'),
  SMTP_URL: optionalText.pipe(z.string().regex(/^smtps?:\/\//, 'smtp://user:pass@host:587 or smtps://user:pass@host:465').optional()),
  HERALD_STAFF_WEBHOOK_URL: optionalUrl('an https:// address that accepts a JSON POST'),
  HERALD_STAFF_WEBHOOK_SECRET: optionalText,
  HERALD_STAFF_NOTICE_TIMEOUT_SECONDS: z.coerce.number().positive().default(10),
  HERALD_STAFF_DIGEST_AFTER: count(10),
  HERALD_STAFF_DIGEST_SECONDS: z.coerce.number().min(1).default(60),
  HERALD_X_UNAVAILABLE_PROBE_SECONDS: seconds(5),
  HERALD_REDIS_EPOCH_CHECK_SECONDS: z.coerce.number().min(0.1).max(10).default(5),
  HERALD_EVENT_MAX_FUTURE_MINUTES: z.coerce.number().min(0).default(10),
  HERALD_EVENT_MAX_AGE_DAYS: z.coerce.number().positive().default(7),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // auto: readable lines on a terminal, JSON lines otherwise (ops/logger.ts).
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
});

const X_CREDENTIALS = ['X_APP_KEY', 'X_APP_SECRET', 'X_ACCESS_TOKEN', 'X_ACCESS_SECRET'] as const;

export interface Config {
  port: number;
  host: string;
  redisUrl: string;
  /** Where Redis is: `redisUrl`, or a Cluster, or a master found through Sentinels. */
  redis: RedisTarget;
  redisPrefix: string;
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
  /** Posting budget, reconcile and recovery timings (see publish/delivery-guards.ts). */
  delivery: DeliverySettings;
  /** How often the sweep looks for posts without a live delivery job. */
  sweepMs: number;
  /** A resolved incident with nothing left to post is removed from Redis this long after its last change. */
  retentionMs: number;
  statusUrl?: string;
  /**
   * The origin (and path prefix) readers reach herald at, for the absolute links of the feeds and
   * the summary: HERALD_PUBLIC_URL, else herald's own `http://HOST:PORT`. Never the Host header,
   * which any client writes.
   */
  publicUrl: string;
  dataDir: string;
  messagesDir: string;
  /** The features the message catalog defines (features are data): what webhooks and routes may name. */
  features: readonly string[];
  /** The service names herald may tweet (HERALD_SERVICES and the catalog's `services:`); undefined: not pinned. */
  services?: readonly string[];
  logLevel: string;
  /** JSON lines, pretty lines, or `auto`: pretty when stdout is a terminal. */
  logFormat: 'auto' | 'json' | 'pretty';
  /** While an incident is open, when a threaded "still on it" follows the latest post (follow-up-schedule.ts); no steps: none. */
  followUps: FollowUpSchedule;
  /**
   * Every account herald posts on: the default X account first (id `x`, from X_* and
   * HERALD_LOCALE, HERALD_TIMEZONE, HERALD_X_USERNAME, HERALD_OUTBOX), then HERALD_ACCOUNTS_FILE's
   * (accounts/account.ts, docs/accounts.md).
   */
  accounts: readonly Account[];
  /** Where a worker-only process serves `/metrics` and health; unset: it serves no HTTP. */
  metricsPort?: number;
  /** Bearer token `/metrics` asks for; unset: open (restrict it at the network). */
  metricsToken?: string;
  /** How many replicas must hold a claim before X is called (see redis/replicas.ts, docs/failover.md). */
  redisReplication: ReplicationSettings;
  /** Which proxies' X-Forwarded-For to believe (fastify's `trustProxy`): none, a hop count, or addresses/CIDRs. */
  trustProxy: false | number | string;
  /** A request (headers and body) must arrive within this; slow senders are cut off (fastify's requestTimeout/connectionTimeout). */
  requestTimeoutMs: number;
  /** SIGTERM exits within this, whatever Redis or X do. */
  shutdownMs: number;
  /** Limits on what one webhook may bring (413 beyond them). */
  limits: { alertsPerPayload: number; firingAlertsPerIncident: number };
  /** New public incidents one monitoring source may open per minute; the rest are kept from the public (docs/security.md#floods). */
  newIncidentsPerMinute: number;
  /** Alerts covered by a maintenance window stay quiet this long past its end; then they are announced. */
  maintenanceGraceMs: number;
  /** Write budgets of Bluesky and Mastodon accounts (accounts/limits.ts), already in each account's `limits`. */
  networkBudgets: NetworkBudgets;
  /** Where staff are told of drafts (docs/staff-notices.md); none set: nobody is. */
  staffNotices: StaffNoticeSettings;
  /** How often every process checks Redis still holds herald's epoch marker (docs/faults.md). */
  epochCheckMs: number;
  /** How far an event's `at` may lie ahead of or behind the arrival time (docs/faults.md). */
  eventTimeBounds: { futureMs: number; pastMs: number };
}

export interface StaffNoticeSettings {
  /** The public address of herald's console (origin), for links to drafts. */
  consoleUrl?: string;
  slackUrl?: string;
  email?: { to: string; from: string; smtpUrl: string };
  webhook?: { url: string; secret?: string };
  timeoutMs: number;
  /** Drafts of one window told one by one, and the window; the rest in one digest after it (HERALD_STAFF_DIGEST_*). */
  digest: { after: number; windowMs: number };
}

export class ConfigError extends HeraldError {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super('HERALD_CONFIG', `herald cannot start, its configuration has ${problems.length} problem(s):\n  - ${problems.join('\n  - ')}`, { details: problems });
  }
}

const problemsOf = (error: z.ZodError): string[] => error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);

export type SettingName = keyof typeof schema.shape;

/**
 * Only the settings named, parsed and checked as `loadConfig` would: a command that needs three
 * settings is not refused for a fourth it never reads (a missing webhook secret, a users file).
 */
export function loadSettings<K extends SettingName>(env: Readonly<Record<string, string | undefined>>, names: readonly K[]): Readonly<Pick<z.infer<typeof schema>, K>> {
  const only = z.object(Object.fromEntries(names.map((name) => [name, schema.shape[name]])));
  const parsed = only.safeParse(env);
  if (!parsed.success) throw new ConfigError(problemsOf(parsed.error));
  // The shape is the schema's own fields, so the parsed object has exactly their types.
  return Object.freeze(parsed.data as unknown as Pick<z.infer<typeof schema>, K>);
}

export function loadConfig(env: Record<string, string | undefined>): Readonly<Config> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new ConfigError(problemsOf(parsed.error));
  const e = parsed.data;
  const given = X_CREDENTIALS.filter((name) => e[name] !== undefined);
  if (given.length > 0 && given.length < X_CREDENTIALS.length) {
    const missing = X_CREDENTIALS.filter((name) => e[name] === undefined);
    throw new ConfigError([`X credentials are incomplete: ${missing.join(', ')} missing (set all four, or none for dry-run)`]);
  }
  const x: XApiCredentials | undefined =
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
  const features = featuresOf(e.HERALD_MESSAGES_DIR);
  const routes = e.HERALD_ROUTES ? loadRouteTable(e.HERALD_ROUTES, features) : undefined;
  const services = pinnedServices(e.HERALD_SERVICES, e.HERALD_MESSAGES_DIR);
  const networkBudgets: NetworkBudgets = { bskyPointsPerHour: e.HERALD_BSKY_POINTS_HOUR, bskyPointsPerDay: e.HERALD_BSKY_POINTS_DAY, mastodonPer5Min: e.HERALD_MASTODON_POSTS_5MIN };
  const delivery = deliverySettings(e);
  const limits = (network: Account['network']) => postingLimits(network, delivery, networkBudgets);
  const extra = e.HERALD_ACCOUNTS_FILE
    ? loadAccountsFile(e.HERALD_ACCOUNTS_FILE, env, { baseUrl: e.X_API_BASE_URL.replace(/\/+$/, ''), timeoutMs: e.X_TIMEOUT_MS, dataDir: e.HERALD_DATA_DIR, limits })
    : { accounts: [], problems: [] };
  const problems = [...policy.problems, ...users.problems, ...(routes?.problems ?? []), ...services.problems, ...extra.problems, ...deliveryProblems(e)];
  if (problems.length > 0) throw new ConfigError(problems);
  const outboxPath = e.HERALD_OUTBOX ?? `${e.HERALD_DATA_DIR}/outbox.jsonl`;
  const defaultAccount: Account = {
    id: DEFAULT_ACCOUNT,
    network: 'x',
    locale: e.HERALD_LOCALE,
    timezone: e.HERALD_TIMEZONE,
    username: e.HERALD_X_USERNAME,
    statusUrl: e.HERALD_STATUS_URL,
    credentials: { variables: X_CREDENTIALS, ...(x && { x }) },
    outboxPath,
    limits: limits('x'),
  };
  const accounts = Object.freeze([defaultAccount, ...extra.accounts]);
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    redisUrl: e.REDIS_URL,
    redis: redisTarget(e),
    redisPrefix: e.HERALD_REDIS_PREFIX,
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
    delivery,
    sweepMs: Math.round(e.HERALD_SWEEP_SECONDS * 1000),
    retentionMs: Math.round(e.HERALD_RETENTION_DAYS * 24 * 3600 * 1000),
    statusUrl: e.HERALD_STATUS_URL,
    publicUrl: (e.HERALD_PUBLIC_URL ?? `http://${e.HOST.includes(':') ? `[${e.HOST}]` : e.HOST}:${e.PORT}`).replace(/\/+$/, ''),
    dataDir: e.HERALD_DATA_DIR,
    messagesDir: e.HERALD_MESSAGES_DIR,
    features,
    services: services.services,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    followUps: { ...followUpScheduleOf(e, e.HERALD_TIMEZONE), accountZones: Object.fromEntries(accounts.map((a) => [a.id, a.timezone])) },
    accounts,
    metricsPort: e.HERALD_METRICS_PORT,
    metricsToken: e.HERALD_METRICS_TOKEN,
    redisReplication: { minReplicas: e.HERALD_REDIS_MIN_REPLICAS, waitMs: e.HERALD_REDIS_WAIT_MS },
    trustProxy: e.HERALD_TRUST_PROXY,
    requestTimeoutMs: Math.round(e.HERALD_REQUEST_TIMEOUT_SECONDS * 1000),
    shutdownMs: Math.round(e.HERALD_SHUTDOWN_SECONDS * 1000),
    limits: { alertsPerPayload: e.HERALD_MAX_ALERTS_PER_PAYLOAD, firingAlertsPerIncident: e.HERALD_MAX_FIRING_ALERTS_PER_INCIDENT },
    newIncidentsPerMinute: e.HERALD_FLOOD_NEW_INCIDENTS_PER_MINUTE,
    maintenanceGraceMs: Math.round(e.HERALD_MAINTENANCE_GRACE_SECONDS * 1000),
    networkBudgets,
    staffNotices: {
      consoleUrl: e.HERALD_CONSOLE_URL,
      slackUrl: e.HERALD_STAFF_SLACK_WEBHOOK_URL,
      email: e.HERALD_STAFF_EMAIL_TO && e.SMTP_URL ? { to: e.HERALD_STAFF_EMAIL_TO, from: e.HERALD_STAFF_EMAIL_FROM, smtpUrl: e.SMTP_URL } : undefined,
      webhook: e.HERALD_STAFF_WEBHOOK_URL ? { url: e.HERALD_STAFF_WEBHOOK_URL, secret: e.HERALD_STAFF_WEBHOOK_SECRET } : undefined,
      timeoutMs: Math.round(e.HERALD_STAFF_NOTICE_TIMEOUT_SECONDS * 1000),
      digest: { after: e.HERALD_STAFF_DIGEST_AFTER, windowMs: Math.round(e.HERALD_STAFF_DIGEST_SECONDS * 1000) },
    },
    epochCheckMs: Math.round(e.HERALD_REDIS_EPOCH_CHECK_SECONDS * 1000),
    eventTimeBounds: { futureMs: Math.round(e.HERALD_EVENT_MAX_FUTURE_MINUTES * 60_000), pastMs: Math.round(e.HERALD_EVENT_MAX_AGE_DAYS * 24 * 3600_000) },
  });
}

/** Secrets a dry run makes up when they are unset, so a newcomer's first `curl` works at once. */
export const DRY_RUN_TOKENS = ['WEBHOOK_TOKEN', 'HERALD_API_TOKEN'] as const;

/**
 * The environment to load: in a dry run (no X credentials at all), each of {@link DRY_RUN_TOKENS}
 * that is unset gets a random value for this run, returned in `madeUp` for main.ts to print. A
 * real deployment sets its own.
 */
export function withDryRunTokens(env: Readonly<Record<string, string | undefined>>): {
  env: Record<string, string | undefined>;
  madeUp: Partial<Record<(typeof DRY_RUN_TOKENS)[number], string>>;
} {
  const dryRun = X_CREDENTIALS.every((name) => !env[name]);
  const madeUp: Partial<Record<(typeof DRY_RUN_TOKENS)[number], string>> = {};
  if (dryRun) for (const name of DRY_RUN_TOKENS) if (!env[name]) madeUp[name] = randomBytes(12).toString('hex');
  return { env: { ...env, ...madeUp }, madeUp };
}

/** Where Redis is, from REDIS_URL and the Cluster or Sentinel settings (for the service and `herald report`). */
export function redisTarget(e: Pick<z.infer<typeof schema>, 'REDIS_URL' | 'REDIS_CLUSTER_NODES' | 'REDIS_SENTINELS' | 'REDIS_SENTINEL_NAME'>): RedisTarget {
  return {
    url: e.REDIS_URL,
    ...(e.REDIS_CLUSTER_NODES && { clusterNodes: e.REDIS_CLUSTER_NODES }),
    ...(e.REDIS_SENTINELS && { sentinels: e.REDIS_SENTINELS, sentinelName: e.REDIS_SENTINEL_NAME }),
  };
}

function deliverySettings(e: z.infer<typeof schema>): DeliverySettings {
  return {
    postsPer15Min: e.HERALD_X_BUDGET_15MIN,
    postsPer24H: e.HERALD_X_BUDGET_24H,
    reserve: e.HERALD_X_BUDGET_RESERVE,
    replyShare: e.HERALD_X_REPLY_SHARE_PERCENT / 100,
    readsPer15Min: e.HERALD_X_READ_BUDGET_15MIN,
    probeMs: Math.round(e.HERALD_X_PROBE_SECONDS * 1000),
    unavailableProbeMs: Math.round(e.HERALD_X_UNAVAILABLE_PROBE_SECONDS * 1000),
    settleMs: Math.round(e.HERALD_X_SETTLE_SECONDS * 1000),
    jobLockMs: Math.round(e.HERALD_JOB_LOCK_SECONDS * 1000),
  };
}

/** Settings that are valid one by one but not together. */
function deliveryProblems(e: z.infer<typeof schema>): string[] {
  const problems: string[] = [];
  if (e.REDIS_CLUSTER_NODES && e.REDIS_SENTINELS) problems.push('REDIS_CLUSTER_NODES and REDIS_SENTINELS: set one of them, not both');
  if (e.REDIS_CLUSTER_NODES && !/\{[^{}]+\}/.test(e.HERALD_REDIS_PREFIX)) {
    problems.push(`HERALD_REDIS_PREFIX: with REDIS_CLUSTER_NODES it needs a hash tag such as {herald}, so every key herald and BullMQ touch together lives in one slot (got ${e.HERALD_REDIS_PREFIX})`);
  }
  if (e.HERALD_STAFF_EMAIL_TO && !e.SMTP_URL) problems.push('HERALD_STAFF_EMAIL_TO: set SMTP_URL too (smtp://user:pass@host:587), or staff get no email');
  if (e.SMTP_URL && !e.HERALD_STAFF_EMAIL_TO) problems.push('SMTP_URL: set HERALD_STAFF_EMAIL_TO too (who gets the notices)');
  const smallest = Math.min(e.HERALD_X_BUDGET_15MIN, e.HERALD_X_BUDGET_24H);
  if (e.HERALD_X_BUDGET_RESERVE >= smallest) {
    problems.push(`HERALD_X_BUDGET_RESERVE: ${e.HERALD_X_BUDGET_RESERVE} would leave updates and minor incidents no budget at all; keep it below ${smallest}`);
  }
  const forReplies = Math.ceil((smallest * e.HERALD_X_REPLY_SHARE_PERCENT) / 100);
  if (forReplies >= smallest) {
    problems.push(`HERALD_X_REPLY_SHARE_PERCENT: ${e.HERALD_X_REPLY_SHARE_PERCENT} % of ${smallest} posts keeps all of them for replies, so nothing could ever be announced; lower it (0 turns it off)`);
  }
  return problems;
}
