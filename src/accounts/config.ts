/**
 * Further accounts herald announces on, besides the default one configured by HERALD_LOCALE and
 * X_APP_KEY...: a YAML file (`HERALD_ACCOUNTS_FILE`) lists them, the environment holds their
 * secrets. An X account (`network: x`, the default) reads `X_<ID>_APP_KEY`, `X_<ID>_APP_SECRET`,
 * `X_<ID>_ACCESS_TOKEN`, `X_<ID>_ACCESS_SECRET`, optionally `X_<ID>_API_BASE_URL`; a Bluesky or
 * Mastodon account reads the names in `network-secrets.ts`. An account without secrets runs dry,
 * into its own outbox.
 *
 * ```yaml
 * accounts:
 *   - id: ja
 *     locale: ja
 *     timezone: Asia/Tokyo
 *     username: kakaotalk_jp   # optional, for links to its tweets
 *     statusUrl: https://status.example.com/ja   # optional, as HERALD_STATUS_URL
 *   - id: en_bsky
 *     network: bluesky           # x (default), bluesky or mastodon
 *     locale: en
 *     timezone: UTC
 * ```
 *
 * Every account's posts go through the one approval policy (HERALD_APPROVAL, docs/approval.md).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IANAZone } from 'luxon';
import { parse } from 'yaml';
import { z } from 'zod';
import { DEFAULT_ACCOUNT, type Account, type AccountLimits, type Network } from './account.ts';
import { bskySecret, mastodonSecret, networkSecrets } from './network-secrets.ts';

const accountSchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,15}$/, 'lower-case letters, digits and _ (at most 16), starting with a letter')
      // `x` names the default account's budget and state in Redis and on /healthz/x.
      .refine((id) => id !== DEFAULT_ACCOUNT, `${DEFAULT_ACCOUNT} is the default account's name; choose another id`),
    network: z.enum(['x', 'bluesky', 'mastodon']).default('x'),
    locale: z.enum(['ko', 'en', 'ja']),
    timezone: z.string().refine((zone) => IANAZone.isValidZone(zone), 'not an IANA time zone such as Asia/Tokyo'),
    username: z.string().regex(/^\w{1,15}$/, 'an X username without @').optional(),
    statusUrl: z.string().url().optional(),
  })
  .strict();

const fileSchema = z
  .object({ accounts: z.array(accountSchema).min(1) })
  .strict()
  .refine((f) => new Set(f.accounts.map((a) => a.id)).size === f.accounts.length, { message: 'account ids must differ', path: ['accounts'] });

const SECRETS = { appKey: 'APP_KEY', appSecret: 'APP_SECRET', accessToken: 'ACCESS_TOKEN', accessSecret: 'ACCESS_SECRET' } as const;

export const secretName = (id: string, what: string) => `X_${id.toUpperCase()}_${what}`;

/** Reads and checks the accounts file; every problem is listed, none thrown. */
export function loadAccountsFile(
  path: string,
  env: Readonly<Record<string, string | undefined>>,
  defaults: { baseUrl: string; timeoutMs: number; dataDir: string; limits: (network: Network) => AccountLimits },
): { accounts: Account[]; problems: string[] } {
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (err) {
    return { accounts: [], problems: [`HERALD_ACCOUNTS_FILE: cannot read ${path}: ${(err as Error).message}`] };
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    return { accounts: [], problems: parsed.error.issues.map((i) => `HERALD_ACCOUNTS_FILE ${path}: ${i.path.join('.') || '(file)'}: ${i.message}`) };
  }
  const problems: string[] = [];
  const accounts = parsed.data.accounts.map((a): Account => {
    const outboxPath = join(defaults.dataDir, `outbox-${a.id}.jsonl`);
    const limits = defaults.limits(a.network);
    if (a.network !== 'x') {
      const found = networkSecrets(a.network, a.id, env, defaults.timeoutMs);
      problems.push(...found.problems);
      const variables = a.network === 'bluesky' ? [bskySecret(a.id, 'HANDLE'), bskySecret(a.id, 'APP_PASSWORD')] : [mastodonSecret(a.id, 'URL'), mastodonSecret(a.id, 'TOKEN')];
      return { ...a, credentials: { variables, ...found.credentials }, outboxPath, limits };
    }
    const given = Object.entries(SECRETS).map(([field, what]) => [field, env[secretName(a.id, what)]?.trim() || undefined] as const);
    const missing = given.filter(([, v]) => v === undefined).map(([field]) => secretName(a.id, SECRETS[field as keyof typeof SECRETS]));
    if (missing.length > 0 && missing.length < given.length) problems.push(`account ${a.id}: X credentials are incomplete: ${missing.join(', ')} missing (set all four, or none for dry-run)`);
    const secrets = Object.fromEntries(given) as Record<keyof typeof SECRETS, string>;
    const baseUrl = (env[secretName(a.id, 'API_BASE_URL')] || defaults.baseUrl).replace(/\/+$/, '');
    const variables = Object.values(SECRETS).map((what) => secretName(a.id, what));
    return { ...a, credentials: { variables, ...(missing.length === 0 && { x: { ...secrets, baseUrl, timeoutMs: defaults.timeoutMs } }) }, outboxPath, limits };
  });
  return { accounts, problems };
}
