/**
 * Posts to a Bluesky account through `@atproto/api`: one sign-in (`createSession`) per process,
 * the session refreshed by the client (`refreshSession` on an expired token), never a sign-in per
 * post, as sign-ins are rate-limited to a few hundred a day. A post is an `app.bsky.feed.post`
 * record (`createRecord`); a reply carries strong references `{uri, cid}` to its root and parent.
 * herald threads every update under the first post, so both are the first post.
 */
import type { AtpAgent } from '@atproto/api';
import type { Logger } from 'pino';
import { BLUESKY_LIMIT } from '../../compose/network-length.ts';
import { postLogger, PublishError } from '../publisher.ts';
import type { PublishedPost, Publisher, PublishRequest, RecentPost } from '../publisher.ts';
import { blueskyError, withDeadline } from './bluesky-errors.ts';

export interface BlueskyPublisherOptions {
  handle: string;
  appPassword: string;
  /** The account's PDS or entryway; default https://bsky.social. */
  service: string;
  /** The language the account writes in (`langs` of every post). */
  locale: string;
  timeoutMs?: number;
  logger?: Logger;
}

const POST = 'app.bsky.feed.post';

/**
 * `@atproto/api` is loaded on first use: importing it (its lexicons) takes seconds, which every
 * herald process without a Bluesky account should not pay at start.
 */
let atproto: Promise<typeof import('@atproto/api')> | undefined;
const loadAtproto = () => (atproto ??= import('@atproto/api'));

interface PostRecord {
  text?: unknown;
  createdAt?: unknown;
  reply?: { parent?: { uri?: unknown } };
}

/** `https://bsky.app/profile/<handle>/post/<rkey>` for an `at://<did>/app.bsky.feed.post/<rkey>` uri. */
export function blueskyPostUrl(handle: string, uri: string): string | undefined {
  const rkey = /^at:\/\/[^/]+\/app\.bsky\.feed\.post\/([^/]+)$/.exec(uri)?.[1];
  return rkey ? `https://bsky.app/profile/${encodeURIComponent(handle)}/post/${encodeURIComponent(rkey)}` : undefined;
}

export class BlueskyPublisher implements Publisher {
  readonly mode = 'bluesky';
  private agentPromise: Promise<AtpAgent> | undefined;
  private agentNow: AtpAgent | undefined;
  private readonly timeoutMs: number;
  private readonly logger: Logger | undefined;
  private signIn: Promise<void> | undefined;
  /** Sign-ins made by this process (a test and the logs watch it: it must stay near one). */
  signIns = 0;

  constructor(private readonly options: BlueskyPublisherOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.logger = options.logger?.child({ publisher: 'bluesky' });
    // Start loading the client now, while herald starts, rather than on the first post.
    this.agent().catch((err) => this.logger?.error({ err }, 'could not load @atproto/api'));
  }

  /** The one agent of this account (and so its one session), created on first use. */
  private agent(): Promise<AtpAgent> {
    this.agentPromise ??= loadAtproto().then(({ AtpAgent }) => {
      const timeoutMs = this.timeoutMs;
      // Each request is bounded; an abort is an unknown outcome, as on X.
      const boundedFetch: typeof fetch = (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) });
      this.agentNow = new AtpAgent({ service: this.options.service, fetch: boundedFetch });
      return this.agentNow;
    });
    return this.agentPromise;
  }

  async post({ text, inReplyTo, inReplyToCid, log }: PublishRequest): Promise<PublishedPost> {
    if (!BLUESKY_LIMIT.postable(text)) throw new PublishError('invalid', `The text is not a Bluesky post (${BLUESKY_LIMIT.measure(text)} of ${BLUESKY_LIMIT.max} graphemes, or empty); it cannot be sent as is`);
    if (inReplyTo !== undefined && !inReplyToCid) {
      // A reply needs the parent's cid; without it the thread cannot be joined, so it goes out as a new root.
      throw new PublishError('parent-missing', `The content id of the post replied to (${inReplyTo}) is not known; it will be posted as a new root`);
    }
    const did = await this.session();
    const agent = await this.agent();
    const ref = inReplyTo === undefined ? undefined : { uri: inReplyTo, cid: inReplyToCid! };
    const record = { $type: POST, text, createdAt: new Date().toISOString(), langs: [this.options.locale], ...(ref && { reply: { root: ref, parent: ref } }) };
    const res = await this.call('com.atproto.repo.createRecord', () => agent.com.atproto.repo.createRecord({ repo: did, collection: POST, record }));
    const { uri, cid } = res.data;
    if (!uri || !cid) throw new PublishError('outcome-unknown', 'Bluesky accepted the post but its answer carried no uri or cid; reconcile before posting again');
    postLogger({ log }, 'bluesky', this.logger)?.info({ uri, inReplyTo }, 'posted to Bluesky');
    return { id: uri, cid, text, postedAt: record.createdAt, ...this.urlOf(uri) };
  }

  /** The account's latest posts and replies, newest first, as its own feed shows them. */
  async recentPosts(limit: number): Promise<RecentPost[]> {
    if (limit <= 0) return [];
    const did = await this.session();
    const agent = await this.agent();
    const res = await this.call('app.bsky.feed.getAuthorFeed', () =>
      agent.app.bsky.feed.getAuthorFeed({ actor: did, limit: Math.min(100, Math.max(1, Math.floor(limit))), filter: 'posts_with_replies' }),
    );
    return res.data.feed
      .filter((item) => item.post.author.did === did && !item.reason)
      .slice(0, limit)
      .flatMap(({ post }): RecentPost[] => {
        const record = post.record as PostRecord;
        if (typeof record.text !== 'string') return [];
        const parent = typeof record.reply?.parent?.uri === 'string' ? record.reply.parent.uri : undefined;
        const createdAt = typeof record.createdAt === 'string' ? record.createdAt : undefined;
        return [{ id: post.uri, cid: post.cid, text: record.text, ...(parent && { inReplyTo: parent }), ...(createdAt && { createdAt }), ...this.urlOf(post.uri) }];
      });
  }

  /** Asks the server whose session this is: refused once the app password is revoked. */
  async verify(): Promise<void> {
    await this.session();
    const agent = await this.agent();
    await this.call('com.atproto.server.getSession', () => agent.com.atproto.server.getSession());
  }

  private urlOf(uri: string): { url?: string } {
    const url = blueskyPostUrl(this.agentNow?.session?.handle ?? this.options.handle, uri);
    return url ? { url } : {};
  }

  /** The account's DID, signing in only when there is no session (first call, or it could not be refreshed). */
  private async session(): Promise<string> {
    const agent = await this.agent();
    if (agent.hasSession && agent.did) return agent.did;
    if (!this.signIn) {
      this.signIns += 1;
      const attempt = this.call('com.atproto.server.createSession', () => agent.login({ identifier: this.options.handle, password: this.options.appPassword })).then(() => {
        this.logger?.info({ handle: this.options.handle }, 'signed in to Bluesky');
      });
      this.signIn = attempt;
      attempt.then(
        () => (this.signIn = undefined),
        () => (this.signIn = undefined),
      );
    }
    await this.signIn;
    if (!agent.did) throw new PublishError('unauthorized', 'Bluesky signed in without naming the account; check BSKY_<ID>_HANDLE and BSKY_<ID>_SERVICE');
    return agent.did;
  }

  private async call<T>(route: string, request: () => Promise<T>): Promise<T> {
    try {
      return await withDeadline(request(), this.timeoutMs, `Bluesky did not answer ${route} within ${this.timeoutMs} ms; the request may have been carried out`);
    } catch (err) {
      const error = blueskyError(err);
      this.logger?.warn({ route, reason: error.reason, status: error.details.status, retryAt: error.details.retryAt }, error.message);
      throw error;
    }
  }
}
