import { parseArgs } from 'node:util';
import { config as loadDotenv } from 'dotenv';
import { defaultAccount, runsDry } from './accounts/account.ts';
import { startHerald, type Role } from './app.ts';
import { ConfigError, loadConfig, withDryRunTokens } from './config.ts';
import { createLogger } from './ops/logger.ts';
import { ensureRedis, RedisUnavailableError } from './redis/bootstrap.ts';

// The one place that hands the process environment to the config loader (config.ts), which alone
// interprets it.
loadDotenv({ quiet: true });

const { values } = parseArgs({ options: { role: { type: 'string', default: 'all' } }, allowPositionals: true });
const role = values.role as Role;
const bootLogger = await createLogger({ base: { app: 'herald' } });

if (!['api', 'worker', 'all'].includes(role)) {
  bootLogger.fatal(`--role must be api, worker or all, not "${role}"`);
  process.exit(2);
}

// A newcomer can try herald at once; a real deployment sets its own tokens. The webhook token
// opens only the webhook, so the API (reading back the incident) gets a token of its own.
const { env, madeUp } = withDryRunTokens(process.env);
const generatedToken = madeUp.WEBHOOK_TOKEN;
const generatedApiToken = madeUp.HERALD_API_TOKEN;

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig(env);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  bootLogger.fatal(err.message);
  process.exit(2);
}

const logger = await createLogger({ level: config.logLevel, base: { app: 'herald', role } }, config.logFormat);
logger.info({ mode: runsDry(defaultAccount(config.accounts)) ? 'dry-run' : 'x' }, config.modeReason);
if (generatedToken) {
  logger.warn(
    `WEBHOOK_TOKEN is not set, so this dry-run uses a token made up for this run: ${generatedToken}. ` +
      `Try: curl -H 'Authorization: Bearer ${generatedToken}' -H 'Content-Type: application/json' ` +
      `-d '{"key":"demo-1","status":"open","service":"KakaoTalk","feature":"messaging","severity":"major"}' http://127.0.0.1:${config.port}/webhooks/generic`,
  );
}
if (generatedApiToken) {
  logger.warn(
    `HERALD_API_TOKEN is not set, so this dry-run uses an API token made up for this run: ${generatedApiToken}. ` +
      `Read the incident back with: curl -H 'Authorization: Bearer ${generatedApiToken}' http://127.0.0.1:${config.port}/api/incidents/demo-1`,
  );
}

let privateRedis: { stop(): Promise<void> };
try {
  const elsewhere = config.redis.clusterNodes !== undefined || config.redis.sentinels !== undefined;
  privateRedis = elsewhere ? { stop: async () => undefined } : await ensureRedis(config.redisUrl, config.dataDir, logger);
} catch (err) {
  if (!(err instanceof RedisUnavailableError)) throw err;
  logger.fatal(err.message);
  process.exit(1);
}

const herald = await startHerald(config, { role, logger, processMetrics: true });
logger.info({ url: herald.url, role, locale: config.locale, timezone: config.timezone, graceSeconds: config.graceMs / 1000 }, 'herald is running');

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping: closing the HTTP port, letting posts in flight finish, then closing Redis');
  // Whatever Redis or X do (a Redis that is gone makes every close wait on reconnects), the
  // process is gone within HERALD_SHUTDOWN_SECONDS: an orchestrator's SIGKILL would be worse.
  const seconds = config.shutdownMs / 1000;
  const force = setTimeout(() => {
    logger.error(`did not stop within ${seconds} s (HERALD_SHUTDOWN_SECONDS); exiting anyway (a post in flight is reconciled at the next start)`);
    process.exit(1);
  }, config.shutdownMs);
  force.unref();
  await herald.close();
  await privateRedis.stop();
  logger.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
