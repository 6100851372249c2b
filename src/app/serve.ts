/**
 * `herald serve [--role api|worker|all]`: starts the service (what `npm start` and the image run).
 * It reads the whole configuration, as the config loader (config.ts) interprets it, and stops in
 * the stated order on SIGTERM or SIGINT.
 */
import { parseArgs } from 'node:util';
import { defaultAccount, runsDry } from '../accounts/account.ts';
import { startHerald, type Role } from '../app.ts';
import type { CommandIo } from '../cli-command.ts';
import { ConfigError, loadConfig, unpinnedServices, withDryRunTokens } from '../config.ts';
import { createLogger } from '../ops/logger.ts';
import { ensureRedis, RedisUnavailableError } from '../redis/bootstrap.ts';
import { UNPINNED_SERVICES_WARNING } from '../incidents/service-name.ts';

type Env = Readonly<Record<string, string | undefined>>;
const roles: readonly Role[] = ['api', 'worker', 'all'];

/** Runs the service until a signal stops it; resolves to the exit code. */
export async function serve(args: string[], io: CommandIo, env: Env, usage: string): Promise<number> {
  const { values } = parseArgs({ args, options: { role: { type: 'string', default: 'all' } }, strict: true, allowPositionals: false });
  const role = values.role as Role;
  if (!roles.includes(role)) {
    io.err(`--role must be api, worker or all, not "${role}"\nusage: ${usage}\n`);
    return 2;
  }
  const bootLogger = await createLogger({ base: { app: 'herald' } });

  // A newcomer can try herald at once; a real deployment sets its own tokens. The webhook token
  // opens only the webhook, so the API (reading back the incident) gets a token of its own.
  const { env: withTokens, madeUp } = withDryRunTokens(env);
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(withTokens);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    bootLogger.fatal(err.message);
    return 2;
  }

  const logger = await createLogger({ level: config.logLevel, base: { app: 'herald', role } }, config.logFormat);
  logger.info({ mode: runsDry(defaultAccount(config.accounts)) ? 'dry-run' : 'x' }, config.modeReason);
  if (unpinnedServices(config)) logger.warn(UNPINNED_SERVICES_WARNING);
  if (madeUp.WEBHOOK_TOKEN) {
    logger.warn(
      `WEBHOOK_TOKEN is not set, so this dry-run uses a token made up for this run: ${madeUp.WEBHOOK_TOKEN}. ` +
        `Try: curl -H 'Authorization: Bearer ${madeUp.WEBHOOK_TOKEN}' -H 'Content-Type: application/json' ` +
        `-d '{"key":"demo-1","status":"open","service":"KakaoTalk","feature":"messaging","severity":"major"}' http://127.0.0.1:${config.port}/webhooks/generic`,
    );
  }
  if (madeUp.HERALD_API_TOKEN) {
    // An admin's credential: shown to the person at the terminal, never written to the log, which
    // may be shipped and kept elsewhere.
    logger.warn('HERALD_API_TOKEN is not set, so this dry-run uses an API token made up for this run; it is printed on stderr, not logged');
    io.err(
      `HERALD_API_TOKEN for this dry-run: ${madeUp.HERALD_API_TOKEN}\n` +
        `Read the incident back with: curl -H 'Authorization: Bearer ${madeUp.HERALD_API_TOKEN}' http://127.0.0.1:${config.port}/api/incidents/demo-1\n`,
    );
  }

  let privateRedis: { stop(): Promise<void> };
  try {
    const elsewhere = config.redis.clusterNodes !== undefined || config.redis.sentinels !== undefined;
    privateRedis = elsewhere ? { stop: async () => undefined } : await ensureRedis(config.redisUrl, config.dataDir, logger);
  } catch (err) {
    if (!(err instanceof RedisUnavailableError)) throw err;
    logger.fatal(err.message);
    return 1;
  }

  // A worker takes no webhooks, so its PORT is free: unless HERALD_METRICS_PORT says otherwise,
  // /healthz, /readyz and /metrics answer there, and the image's health check works for every role.
  const herald = await startHerald(config, { role, logger, processMetrics: true, workerHealthPort: config.port });
  logger.info({ url: herald.url, role, locale: config.locale, timezone: config.timezone, graceSeconds: config.graceMs / 1000 }, 'herald is running');

  // Resolves with the exit code once a signal has stopped everything.
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = async (signal: string) => {
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
      resolve(0);
    };
    process.on('SIGTERM', () => void stop('SIGTERM'));
    process.on('SIGINT', () => void stop('SIGINT'));
  });
}
