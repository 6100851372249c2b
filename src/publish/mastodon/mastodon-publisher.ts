/**
 * Posts to a Mastodon account through masto.js. Every post carries an `Idempotency-Key` (one per
 * text of a herald post): for about an hour the instance answers a repeat with the status it
 * already created, so a retry after a lost answer cannot post twice. The text limit is the
 * instance's own (`configuration.statuses.max_characters`), read at start.
 */
import { createRestAPIClient, type mastodon } from 'masto';
import type { Logger } from 'pino';
import { MASTODON_DEFAULT_MAX, mastodonLimit, type TextLimit } from '../../compose/network-length.ts';
import { postLogger, PublishError } from '../publisher.ts';
import type { PublishedPost, Publisher, PublishRequest, RecentPost } from '../publisher.ts';
import { mastodonError, statusText } from './mastodon-errors.ts';
import { withDeadline } from '../bluesky/bluesky-errors.ts';

export interface MastodonPublisherOptions {
  /** The instance, e.g. https://mastodon.social. */
  url: string;
  token: string;
  /** ISO 639 language of every post (`language`). */
  locale: string;
  timeoutMs?: number;
  logger?: Logger;
}

export class MastodonPublisher implements Publisher {
  readonly mode = 'mastodon';
  private readonly client: mastodon.rest.Client;
  private readonly timeoutMs: number;
  private readonly logger: Logger | undefined;
  private accountId: Promise<string> | undefined;
  /** The instance's limit; the default until `readLimit` has asked. */
  private maxCharacters = MASTODON_DEFAULT_MAX;

  constructor(private readonly options: MastodonPublisherOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.client = createRestAPIClient({ url: options.url, accessToken: options.token, timeout: this.timeoutMs, log: 'error' });
    this.logger = options.logger?.child({ publisher: 'mastodon' });
  }

  /** The limit composition must fit, as the instance last said. */
  get limit(): TextLimit {
    return mastodonLimit(this.maxCharacters);
  }

  /** Asks the instance its text limit (v2, then v1 for older servers); keeps the default if neither says. */
  async readLimit(): Promise<number> {
    const from = (instance: { configuration?: { statuses?: { maxCharacters?: number } } }) => instance.configuration?.statuses?.maxCharacters;
    let max: number | undefined;
    try {
      max = from(await this.call('GET /api/v2/instance', () => this.client.v2.instance.fetch()));
    } catch {
      max = from(await this.call('GET /api/v1/instance', () => this.client.v1.instance.fetch()).catch(() => ({})));
    }
    if (typeof max === 'number' && max > 0) this.maxCharacters = max;
    this.logger?.info({ maxCharacters: this.maxCharacters, said: max !== undefined }, 'Mastodon instance text limit');
    return this.maxCharacters;
  }

  async post({ text, inReplyTo, idempotencyKey, log }: PublishRequest): Promise<PublishedPost> {
    if (!this.limit.postable(text)) throw new PublishError('invalid', `The text is ${this.limit.measure(text)} of the instance's ${this.maxCharacters} characters, or empty; it cannot be sent as is`);
    const params = { status: text, language: this.options.locale, visibility: 'public' as const, ...(inReplyTo !== undefined && { inReplyToId: inReplyTo }) };
    const meta = idempotencyKey ? { requestInit: { headers: { 'Idempotency-Key': idempotencyKey } } } : undefined;
    const status = await this.call('POST /api/v1/statuses', () => this.client.v1.statuses.create(params, meta), inReplyTo !== undefined);
    postLogger({ log }, 'mastodon', this.logger)?.info({ statusId: status.id, inReplyTo }, 'posted to Mastodon');
    return { id: status.id, text, postedAt: status.createdAt ?? new Date().toISOString(), ...(status.url && { url: status.url }) };
  }

  /** The account's latest statuses, replies included, newest first; text recovered from Mastodon's HTML. */
  async recentPosts(limit: number): Promise<RecentPost[]> {
    if (limit <= 0) return [];
    const id = await this.ownAccountId();
    const statuses = await this.call('GET /api/v1/accounts/:id/statuses', async () => await this.client.v1.accounts.$select(id).statuses.list({ limit: Math.min(40, Math.max(1, limit)), excludeReblogs: true }));
    return statuses.slice(0, limit).map((s) => ({
      id: s.id,
      text: statusText(s.content),
      ...(s.inReplyToId && { inReplyTo: s.inReplyToId }),
      ...(s.createdAt && { createdAt: s.createdAt }),
      ...(s.url && { url: s.url }),
    }));
  }

  /** `verify_credentials`: refused once the token is revoked. */
  async verify(): Promise<void> {
    this.accountId = undefined;
    await this.ownAccountId();
  }

  private ownAccountId(): Promise<string> {
    if (!this.accountId) {
      const lookup = this.call('GET /api/v1/accounts/verify_credentials', () => this.client.v1.accounts.verifyCredentials()).then((a) => a.id);
      lookup.catch(() => {
        if (this.accountId === lookup) this.accountId = undefined;
      });
      this.accountId = lookup;
    }
    return this.accountId;
  }

  private async call<T>(route: string, request: () => Promise<T>, isReply = false): Promise<T> {
    try {
      return await withDeadline(request(), this.timeoutMs, `Mastodon did not answer ${route} within ${this.timeoutMs} ms; the request may have been carried out`);
    } catch (err) {
      const error = mastodonError(err, { isReply });
      this.logger?.warn({ route, reason: error.reason, status: error.details.status, retryAt: error.details.retryAt }, error.message);
      throw error;
    }
  }
}
