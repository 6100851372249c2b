/**
 * An account herald posts on: the default X account (id `x`, from the `X_*` and `HERALD_*`
 * settings) and every account of HERALD_ACCOUNTS_FILE (accounts/config.ts). `Config.accounts`
 * holds them all, the default first; everything per account (publisher, composer, budget, state,
 * hold) is built from one of these in app/accounts.ts. docs/accounts.md describes the model.
 */
import { DEFAULT_ACCOUNT, type AccountId } from '../incidents/accounts.ts';
import type { BudgetWindow } from '../publish/budget.ts';
import type { Network } from '../publish/publisher.ts';
import type { BlueskyCredentials, MastodonCredentials } from './network-secrets.ts';

export { DEFAULT_ACCOUNT, type AccountId, type Network };

export type Locale = 'ko' | 'en' | 'ja';

export interface XApiCredentials {
  appKey: string;
  appSecret: string;
  accessToken: string;
  accessSecret: string;
  baseUrl: string;
  timeoutMs: number;
}

/**
 * Where the account's secrets come from, and the secrets when all of them are set. None set: the
 * account runs dry, into its outbox.
 */
export interface AccountCredentials {
  /** The environment variables that hold them, for messages a person acts on. */
  variables: readonly string[];
  x?: XApiCredentials;
  bluesky?: BlueskyCredentials;
  mastodon?: MastodonCredentials;
}

/** What the account may post, in its network's own units (publish/account-guards.ts enforces it). */
export interface AccountLimits {
  /** Sliding windows of the posting budget: X's 15 minutes and 24 hours, Bluesky's write points as posts, Mastodon's 5 minutes. */
  posts: readonly BudgetWindow[];
  /** Units updates and minor incidents leave free for resolutions and major announcements. */
  reserve: number;
}

export interface Account {
  id: AccountId;
  network: Network;
  locale: Locale;
  timezone: string;
  /** The X username, for links to its posts; unset: X's username-free links. */
  username?: string;
  /** The status page a post links to (HERALD_STATUS_URL, or the file's `statusUrl`). */
  statusUrl?: string;
  credentials: AccountCredentials;
  /** Where a dry run writes its posts. */
  outboxPath: string;
  limits: AccountLimits;
}

/** The default account, first in `Config.accounts`. */
export const defaultAccount = (accounts: readonly Account[]): Account => accounts.find((a) => a.id === DEFAULT_ACCOUNT)!;

/** True when the account has no secrets for its network and writes to its outbox instead. */
export function runsDry(account: Pick<Account, 'network' | 'credentials'>): boolean {
  return account.credentials[account.network] === undefined;
}
