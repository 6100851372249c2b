/**
 * `herald check-config`: reads the configuration exactly as `herald serve` would (the environment,
 * `.env`, and every file a setting names), lists every problem at once and exits non-zero, without
 * connecting to Redis or starting anything. For a deploy pipeline, like `amtool check-config`.
 */
import { parseArgs } from 'node:util';
import type { CommandIo } from '../cli-command.ts';
import { loadCatalog } from '../compose/catalog.ts';
import { loadConfig, unpinnedServices, withDryRunTokens } from '../config.ts';
import { UNPINNED_SERVICES_WARNING } from '../incidents/service-name.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** Resolves to 0 when `herald serve` would start with this configuration; problems are thrown. */
export async function checkConfig(args: string[], io: CommandIo, env: Env): Promise<number> {
  parseArgs({ args, options: {}, strict: true, allowPositionals: false });
  const { env: withTokens, madeUp } = withDryRunTokens(env);
  // A ConfigError (every problem, listed) or a CatalogError is printed by the command line.
  const config = loadConfig(withTokens);
  loadCatalog(config.messagesDir, config.locale);
  const lines = [`configuration OK: ${config.modeReason}`, `  language ${config.locale}, time zone ${config.timezone}, Redis ${config.redisUrl}`];
  lines.push(config.services ? `  service names pinned: ${config.services.join(', ')}` : `  service names not pinned: any well-formed name a webhook sends is tweeted`);
  if (unpinnedServices(config)) lines.push(`  warning: ${UNPINNED_SERVICES_WARNING}`);
  const invented = Object.keys(madeUp);
  if (invented.length > 0) lines.push(`  ${invented.join(' and ')} not set: a dry run makes them up at start`);
  io.out(`${lines.join('\n')}\n`);
  return 0;
}
