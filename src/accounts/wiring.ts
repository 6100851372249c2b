/**
 * Gives each configured account its own publisher (credentials, or its own dry-run outbox) and
 * composer (locale, time zone, status link), behind the single `Publisher` and `Composer` the
 * delivery worker knows: a post's `account` picks which. With no extra account, nothing is wrapped.
 */
import type { FollowUpSchedule } from '../incidents/follow-up-schedule.ts';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { incidentComposer } from '../compose/for-incident.ts';
import { ComposeError } from '../compose/errors.ts';
import type { AccountIds } from '../incidents/accounts.ts';
import { xTweetLink, type TweetLink } from '../journal/journal.ts';
import { BLUESKY_LIMIT, mastodonLimit, type TextLimit } from '../compose/network-length.ts';
import { BlueskyPublisher, blueskyPostUrl } from '../publish/bluesky/bluesky-publisher.ts';
import { MastodonPublisher } from '../publish/mastodon/mastodon-publisher.ts';
import type { StatusPageConfig } from '../status/routes.ts';
import type { Composer } from '../incidents/delivery-rules.ts';
import { OutboxPublisher } from '../publish/outbox-publisher.ts';
import { PublishError, type Publisher, type PublishRequest } from '../publish/publisher.ts';
import { XPublisher } from '../publish/x-publisher.ts';
import type { AccountConfig } from './config.ts';

/** Every account's id, the default (undefined) first. */
export const accountIds = (config: Pick<Config, 'accounts'>): AccountIds => [undefined, ...config.accounts.map((a) => a.id)];

function publisherOf(account: AccountConfig, logger: Logger): Publisher {
  const log = logger.child({ account: account.id, network: account.network });
  if (account.network === 'bluesky' && account.bluesky) return new BlueskyPublisher({ ...account.bluesky, locale: account.locale, logger: log });
  if (account.network === 'mastodon' && account.mastodon) return new MastodonPublisher({ ...account.mastodon, locale: account.locale, logger: log });
  return account.network === 'x' && account.x ? new XPublisher({ ...account.x, logger: log }) : new OutboxPublisher({ path: account.outboxPath, logger: log });
}

/** The publisher of one account (undefined: the default) behind whatever wraps them. */
export function publisherOfAccount(publisher: Publisher, account: string | undefined): Publisher | undefined {
  if (publisher instanceof AccountPublishers) return publisher.of(account);
  return account === undefined ? publisher : undefined;
}

/** Asks every Mastodon account's instance its text limit; until it answers, 500 is assumed. */
export async function readInstanceLimits(publisher: Publisher, config: Pick<Config, 'accounts'>, logger: Logger): Promise<void> {
  await Promise.all(
    config.accounts.map(async (a) => {
      const p = publisherOfAccount(publisher, a.id);
      if (!(p instanceof MastodonPublisher)) return;
      await p.readLimit().catch((err) => logger.warn({ account: a.id, err: err instanceof Error ? err.message : String(err) }, 'could not read the Mastodon instance\'s text limit; composing for 500 characters'));
    }),
  );
}

/** How each account's network measures a post; X's weighting when undefined. */
function limitOf(account: AccountConfig, publisher: Publisher | undefined): (() => TextLimit) | undefined {
  if (account.network === 'bluesky') return () => BLUESKY_LIMIT;
  if (account.network === 'mastodon') return () => (publisher instanceof MastodonPublisher ? publisher.limit : mastodonLimit());
  return undefined;
}

/** Routes each post to its account's publisher. */
export class AccountPublishers implements Publisher {
  readonly mode: string;
  private readonly byAccount: Map<string | undefined, Publisher>;

  constructor(defaultPublisher: Publisher, accounts: readonly AccountConfig[], logger: Logger) {
    this.mode = defaultPublisher.mode;
    this.byAccount = new Map<string | undefined, Publisher>([[undefined, defaultPublisher], ...accounts.map((a) => [a.id, publisherOf(a, logger)] as const)]);
  }

  /** The publisher of one account, e.g. for its status page or metrics. */
  of(account: string | undefined): Publisher | undefined {
    return this.byAccount.get(account);
  }

  post(request: PublishRequest) {
    return this.pick(request.account).post(request);
  }

  recentPosts(limit: number, account?: string) {
    return this.pick(account).recentPosts(limit);
  }

  /** The account probe (publish/x-account.ts) watches the default account's credentials. */
  async verify(): Promise<void> {
    await this.pick(undefined).verify?.();
  }

  private pick(account: string | undefined): Publisher {
    const publisher = this.byAccount.get(account);
    // A post planned for an account that was removed from the configuration since.
    if (!publisher) throw new PublishError('invalid', `account ${account} is not configured any more (HERALD_ACCOUNTS_FILE); its post cannot be sent`);
    return publisher;
  }
}

export function withAccounts(defaultPublisher: Publisher, config: Pick<Config, 'accounts'>, logger: Logger): Publisher {
  return config.accounts.length === 0 ? defaultPublisher : new AccountPublishers(defaultPublisher, config.accounts, logger);
}

/** Composes each post in its account's language and zone. */
export function accountComposer(config: Pick<Config, 'messagesDir' | 'locale' | 'timezone' | 'statusUrl' | 'accounts'> & { followUps?: FollowUpSchedule }, publisher?: Publisher): Composer {
  const byAccount = new Map<string | undefined, Composer>([
    [undefined, incidentComposer(config)],
    ...config.accounts.map((a) => {
      const limit = limitOf(a, publisher && publisherOfAccount(publisher, a.id));
      return [a.id, incidentComposer({ messagesDir: config.messagesDir, locale: a.locale, timezone: a.timezone, statusUrl: a.statusUrl, followUps: config.followUps }, limit)] as const;
    }),
  ]);
  return (incident, post, nowMs) => {
    const compose = byAccount.get(post.account);
    if (!compose) throw new ComposeError('invalid-input', `account ${post.account} is not configured any more (HERALD_ACCOUNTS_FILE)`);
    return compose(incident, post, nowMs);
  };
}

/**
 * Links to each account's posts: X's under the account's username; Bluesky's built from the
 * handle and the record key; Mastodon's only from the URL the instance returned (kept with the post).
 */
export function tweetLinks(config: Pick<Config, 'xUsername' | 'accounts'>): TweetLink {
  const byAccount = new Map(config.accounts.map((a) => [a.id, a]));
  return (id, account) => {
    const a = account === undefined ? undefined : byAccount.get(account);
    if (!a || a.network === 'x') return xTweetLink(a ? a.username : config.xUsername)(id);
    return a.network === 'bluesky' && a.bluesky ? blueskyPostUrl(a.bluesky.handle, id) : undefined;
  };
}

/** One status page per account, each in its account's language and zone. */
export function statusPages(config: Pick<Config, 'locale' | 'timezone' | 'accounts' | 'x'>): StatusPageConfig[] {
  return [
    { locale: config.locale, timezone: config.timezone, dryRun: !config.x },
    ...config.accounts.map((a) => ({ account: a.id, locale: a.locale, timezone: a.timezone, dryRun: !(a.x || a.bluesky || a.mastodon) })),
  ];
}
