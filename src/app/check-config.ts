/**
 * `herald check-config`: reads the configuration exactly as `herald serve` would (the environment,
 * `.env`, and every file a setting names), lists every problem at once and exits non-zero, without
 * connecting to Redis or starting anything. For a deploy pipeline, like `amtool check-config`.
 */
import { parseArgs } from 'node:util';
import type { CommandIo } from '../cli-command.ts';
import { runsDry } from '../accounts/account.ts';
import { loadCatalog } from '../compose/catalog.ts';
import { loadConfig, unpinnedServices, withDryRunTokens } from '../config.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** Resolves to 0 when `herald serve` would start with this configuration; problems are thrown. */
export async function checkConfig(args: string[], io: CommandIo, env: Env): Promise<number> {
  parseArgs({ args, options: {}, strict: true, allowPositionals: false });
  const { env: withTokens, madeUp } = withDryRunTokens(env);
  // A ConfigError (every problem, listed) or a CatalogError is printed by the command line.
  const config = loadConfig(withTokens);
  loadCatalog(config.messagesDir, config.locale);
  const { tr } = io;
  // The default account: what HERALD_* and X_* configure (further accounts have their own file).
  const account = config.accounts[0]!;
  const lines = [
    tr.t('cli.checkConfig.ok', { mode: runsDry(account) ? 'dryRun' : 'x', outbox: account.outboxPath }),
    tr.t('cli.checkConfig.setting', { locale: config.locale, zone: config.timezone, redis: config.redisUrl }),
    config.services ? tr.t('cli.checkConfig.pinned', { names: config.services.join(', ') }) : tr.t('cli.checkConfig.notPinned'),
  ];
  // The same warning the service logs in English at start (UNPINNED_SERVICES_WARNING), said to the person checking.
  if (unpinnedServices(config)) lines.push(tr.t('cli.checkConfig.unpinnedWarning'));
  const invented = Object.keys(madeUp);
  if (invented.length > 0) lines.push(tr.t('cli.checkConfig.madeUp', { names: invented.join(', ') }));
  io.out(`${lines.join('\n')}\n`);
  return 0;
}
