/**
 * What every side of herald reads off the accounts (`Config.accounts`, the default first): their
 * ids, each one's composer (its locale, zone, status link and network's length), links to their
 * posts and their status pages. The parts that talk to a network (publisher, budget, state, hold)
 * are built per account in app/accounts.ts.
 */
import type { FollowUpSchedule } from '../incidents/follow-up-schedule.ts';
import type { Config } from '../config.ts';
import { incidentComposer } from '../compose/for-incident.ts';
import { ComposeError } from '../compose/errors.ts';
import { accountOf, type AccountId, type AccountIds } from '../incidents/accounts.ts';
import { xTweetLink, type TweetLink } from '../journal/journal.ts';
import { BLUESKY_LIMIT, mastodonLimit, type TextLimit } from '../compose/network-length.ts';
import { blueskyPostUrl } from '../publish/bluesky/bluesky-publisher.ts';
import type { StatusPageConfig } from '../status/routes.ts';
import type { Composer } from '../incidents/delivery-rules.ts';
import { runsDry, type Account } from './account.ts';

/** Every account's id, the default first. */
export const accountIds = (config: Pick<Config, 'accounts'>): AccountIds => config.accounts.map((a) => a.id);

type ComposeSettings = Pick<Config, 'messagesDir' | 'accounts'> & { followUps?: FollowUpSchedule };

/**
 * How the account's network measures a post: X's weighting when undefined. A Mastodon account's is
 * its instance's once its publisher has read it (`instance`, app/accounts.ts); 500 until then.
 */
function limitOf(account: Account, instance?: () => TextLimit): (() => TextLimit) | undefined {
  if (account.network === 'bluesky') return () => BLUESKY_LIMIT;
  if (account.network === 'mastodon') return instance ?? (() => mastodonLimit());
  return undefined;
}

/** Composes the posts of one account, in its language and zone, for its network's length. */
export function composerFor(account: Account, config: Omit<ComposeSettings, 'accounts'>, instance?: () => TextLimit): Composer {
  return incidentComposer({ messagesDir: config.messagesDir, locale: account.locale, timezone: account.timezone, statusUrl: account.statusUrl, followUps: config.followUps }, limitOf(account, instance));
}

/** Composes each post with its own account's composer (drafts, previews, maintenance notices). */
export function accountComposer(config: ComposeSettings): Composer {
  const byAccount = new Map(config.accounts.map((a) => [a.id, composerFor(a, config)] as const));
  return (incident, post, nowMs, note) => {
    const compose = byAccount.get(accountOf(post));
    if (!compose) throw new ComposeError('invalid-input', `account ${accountOf(post)} is not configured any more (HERALD_ACCOUNTS_FILE)`);
    return compose(incident, post, nowMs, note);
  };
}

/**
 * Links to each account's posts: X's under the account's username; Bluesky's built from the
 * handle and the record key; Mastodon's only from the URL the instance returned (kept with the post).
 */
export function tweetLinks(config: Pick<Config, 'accounts'>): TweetLink {
  const byAccount = new Map(config.accounts.map((a) => [a.id, a]));
  return (id, account) => {
    const a = byAccount.get(account);
    // A post of an account removed from the file since: X's username-free link, as any X post.
    if (!a || a.network === 'x') return xTweetLink(a?.username)(id);
    return a.network === 'bluesky' && a.credentials.bluesky ? blueskyPostUrl(a.credentials.bluesky.handle, id) : undefined;
  };
}

/** The language each account posts in, for pages that show its tweets; an account removed from the file since, the default account's. */
export function tweetLanguages(config: Pick<Config, 'accounts'>): (account: AccountId) => string {
  const byAccount = new Map(config.accounts.map((a) => [a.id, a.locale]));
  const fallback = config.accounts[0]!.locale;
  return (account) => byAccount.get(account) ?? fallback;
}

/** One status page per account, each in its account's language and zone. */
export function statusPages(config: Pick<Config, 'accounts'>): StatusPageConfig[] {
  return config.accounts.map((a) => ({ account: a.id, locale: a.locale, timezone: a.timezone, dryRun: runsDry(a) }));
}
