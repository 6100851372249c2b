/**
 * Everything per account, built in this one place from `Config.accounts` (the default `x`
 * first): the publisher that posts on it, the composer that writes its text, and, on each side's
 * Redis connection, its guards (budget, state, hold). Nothing else builds a publisher or guards.
 */
import type { Logger } from 'pino';
import { DEFAULT_ACCOUNT, type Account } from '../accounts/account.ts';
import { composerFor } from '../accounts/wiring.ts';
import type { Config } from '../config.ts';
import type { Composer } from '../incidents/delivery-rules.ts';
import { countPosts } from '../ops/instrument.ts';
import type { HeraldMetrics } from '../ops/metrics.ts';
import { guardsForAccount, type AccountGuards, type AccountGuardsOptions } from '../publish/account-guards.ts';
import { BlueskyPublisher } from '../publish/bluesky/bluesky-publisher.ts';
import { MastodonPublisher } from '../publish/mastodon/mastodon-publisher.ts';
import { OutboxPublisher } from '../publish/outbox-publisher.ts';
import type { Publisher } from '../publish/publisher.ts';
import { XPublisher } from '../publish/x-publisher.ts';

/** An account with what posts on it and what writes its posts; one per account per process. */
export interface AccountParts {
  account: Account;
  publisher: Publisher;
  compose: Composer;
}

/** An account's parts with its guards on one side's Redis connection. */
export interface AccountBundle extends AccountParts {
  id: Account['id'];
  guards: AccountGuards;
}

/** Its network's publisher when the account has secrets for it; its own outbox (dry run) otherwise. */
function publisherOf(account: Account, logger: Logger): Publisher {
  // The default account logs as it always did; the others name themselves.
  const log = account.id === DEFAULT_ACCOUNT ? logger : logger.child({ account: account.id, network: account.network });
  const { x, bluesky, mastodon } = account.credentials;
  if (account.network === 'bluesky' && bluesky) return new BlueskyPublisher({ ...bluesky, locale: account.locale, logger: log });
  if (account.network === 'mastodon' && mastodon) return new MastodonPublisher({ ...mastodon, locale: account.locale, logger: log });
  return account.network === 'x' && x ? new XPublisher({ ...x, logger: log }) : new OutboxPublisher({ path: account.outboxPath, logger: log });
}

/** Each account's publisher (counted in `herald_posts_total`) and composer, in `config.accounts`' order. */
export function openAccounts(config: Pick<Config, 'accounts' | 'messagesDir' | 'followUps'>, logger: Logger, metrics: HeraldMetrics): AccountParts[] {
  return config.accounts.map((account) => {
    const publisher = publisherOf(account, logger);
    // A Mastodon account composes for its instance's limit once the publisher has read it.
    const instance = publisher instanceof MastodonPublisher ? () => publisher.limit : undefined;
    return { account, publisher: countPosts(publisher, metrics, account.network), compose: composerFor(account, config, instance) };
  });
}

/** The accounts with their guards on `options.redis`; each account's 429 or block holds only its own posts. */
export function guardAccounts(accounts: readonly AccountParts[], options: AccountGuardsOptions): AccountBundle[] {
  return accounts.map((parts) => ({ ...parts, id: parts.account.id, guards: guardsForAccount(options, parts.account) }));
}

/** The default account's bundle, always first. */
export const defaultBundle = <T extends AccountParts>(accounts: readonly T[]): T => accounts.find((a) => a.account.id === DEFAULT_ACCOUNT)!;

/** Asks every Mastodon account's instance its text limit; until it answers, 500 is assumed. */
export async function readInstanceLimits(accounts: readonly AccountParts[], logger: Logger): Promise<void> {
  await Promise.all(
    accounts.map(async ({ account, publisher }) => {
      if (!(publisher instanceof MastodonPublisher)) return;
      await publisher.readLimit().catch((err) => logger.warn({ account: account.id, err: err instanceof Error ? err.message : String(err) }, 'could not read the Mastodon instance\'s text limit; composing for 500 characters'));
    }),
  );
}
