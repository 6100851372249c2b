/**
 * What each `herald` command is told, read through the config loader (config.ts) and nothing
 * else: each command names only the settings it uses, so `preview` works on a laptop without the
 * webhook or X secrets, and a bad users file does not stop `herald report`.
 */
import path from 'node:path';
import { config as loadDotenv } from 'dotenv';
import { IANAZone } from 'luxon';
import type { CliSpeech } from './cli-command.ts';
import { isConsoleLocale, translator, type ConsoleLocale } from './console/i18n.ts';
import type { PreviewSettings } from './compose/preview.ts';
import { followUpScheduleOf, loadSettings, redisTarget } from './config.ts';
import type { RedisTarget } from './redis/connect.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** `preview`: the audience's language, zone and status link, where the catalog is, and the rules a thread runs on. */
export function previewSettings(env: Env): PreviewSettings {
  const s = loadSettings(env, ['HERALD_LOCALE', 'HERALD_TIMEZONE', 'HERALD_STATUS_URL', 'HERALD_MESSAGES_DIR', 'HERALD_GRACE_SECONDS', 'HERALD_REOPEN_WINDOW_SECONDS', 'HERALD_FOLLOWUP_MINUTES', 'HERALD_FOLLOWUP_SCHEDULE', 'HERALD_FOLLOWUP_QUIET']);
  return {
    locale: s.HERALD_LOCALE,
    timezone: s.HERALD_TIMEZONE,
    statusUrl: s.HERALD_STATUS_URL,
    messagesDir: s.HERALD_MESSAGES_DIR,
    // Grace, reopen window and follow-up schedule as the service would run them (`--thread`).
    thread: {
      rules: { graceMs: Math.round(s.HERALD_GRACE_SECONDS * 1000), reopenWindowMs: Math.round(s.HERALD_REOPEN_WINDOW_SECONDS * 1000) },
      followUps: followUpScheduleOf(s, s.HERALD_TIMEZONE),
    },
  };
}

/** `lint-messages`: where the catalog is. */
export function catalogSettings(env: Env): { messagesDir: string } {
  return { messagesDir: loadSettings(env, ['HERALD_MESSAGES_DIR']).HERALD_MESSAGES_DIR };
}

/** `drafts`, `incident`, `maintenance`: how to reach the running herald's API (src/cli/client.ts). */
export interface ApiClientSettings {
  /** HERALD_API_TOKEN; the command refuses to run without it. */
  apiToken?: string;
  /** HERALD_URL, or http://127.0.0.1:$PORT. */
  url: string;
}

export function apiClientSettings(env: Env): ApiClientSettings {
  const s = loadSettings(env, ['HERALD_API_TOKEN', 'HERALD_URL', 'PORT']);
  return { apiToken: s.HERALD_API_TOKEN, url: s.HERALD_URL ?? `http://127.0.0.1:${s.PORT}` };
}

/** `report`: where the incidents are, and the zone its dates are read in. */
export interface ReportSettings {
  redis: RedisTarget;
  redisPrefix: string;
  timezone: string;
}

export function reportSettings(env: Env): ReportSettings {
  const s = loadSettings(env, ['REDIS_URL', 'REDIS_CLUSTER_NODES', 'REDIS_SENTINELS', 'REDIS_SENTINEL_NAME', 'HERALD_REDIS_PREFIX', 'HERALD_TIMEZONE']);
  return { redis: redisTarget(s), redisPrefix: s.HERALD_REDIS_PREFIX, timezone: s.HERALD_TIMEZONE };
}

/** The language of a terminal that says none (LANG=C, POSIX): untranslated, as gettext does. */
const UNSAID_LOCALE: ConsoleLocale = 'en';

/**
 * The language and clock every command speaks in: HERALD_LOCALE when it is set (a person on
 * call runs the CLI where the service's settings are), else the terminal's own language
 * (LC_ALL, LC_MESSAGES, LANG: `ko_KR.UTF-8` is Korean), else English; times in HERALD_TIMEZONE,
 * else Asia/Seoul as the service's default. An unusable value is passed over, never fatal: the
 * words must not stop `herald check-config` from listing what is wrong with those settings.
 */
export function cliSpeech(env: Env): CliSpeech {
  const asked = [env.HERALD_LOCALE, env.LC_ALL, env.LC_MESSAGES, env.LANG].map((value) => value?.toLowerCase().split(/[_.@-]/)[0]);
  const locale = asked.find(isConsoleLocale) ?? UNSAID_LOCALE;
  const zone = env.HERALD_TIMEZONE && IANAZone.isValidZone(env.HERALD_TIMEZONE) ? env.HERALD_TIMEZONE : 'Asia/Seoul';
  return { tr: translator(locale), clock: { locale, zone } };
}

/** `hash-password` reads no settings. */
export const noSettings = (): undefined => undefined;

/**
 * `serve` and `check-config`: the whole environment, with `.env` (in the working directory) filling
 * in what it leaves unset, as the config loader will interpret it. The process environment is not
 * changed.
 */
export function serviceSettings(env: Env, cwd: string): Env {
  const merged: Record<string, string | undefined> = { ...env };
  loadDotenv({ quiet: true, path: path.join(cwd, '.env'), processEnv: merged as Record<string, string> });
  return merged;
}
