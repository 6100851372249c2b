/**
 * Posts to X through twitter-api-v2 with OAuth 1.0a user context, and turns every failure into a
 * `PublishError` the delivery worker can act on (the reasons are documented in `publisher.ts`).
 */
import http from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import https from 'node:https';
import type { Logger } from 'pino';
import { TwitterApi } from 'twitter-api-v2';
import type { ApiPartialResponseError, ApiRequestError, ApiResponseError, TwitterApiv2 } from 'twitter-api-v2';
import { postLogger, PublishError } from './publisher.ts';
import type { PublishedPost, PublishFailureReason, Publisher, PublishRequest, RecentPost } from './publisher.ts';

export interface XPublisherOptions {
  appKey: string;
  appSecret: string;
  accessToken: string;
  accessSecret: string;
  /** Where the X API lives; tests point it at the fake X. Default `https://api.x.com`. */
  baseUrl?: string;
  /** Longest any one call to X may take, in milliseconds. Default 10 000. */
  timeoutMs?: number;
  logger?: Logger;
}

/** Per-call options; `requestEventDebugHandler` is passed through at run time though the typings omit it. */
type XCallArgs = { prefix: string; timeout: number; requestEventDebugHandler: (event: string, data?: unknown) => void };

interface TweetBody {
  id?: string;
  text?: string;
  created_at?: string;
  referenced_tweets?: { type: string; id: string }[];
}

/** Publishes to the company's X account. */
export class XPublisher implements Publisher {
  readonly mode = 'x';
  private readonly v2: TwitterApiv2;
  private readonly agent: http.Agent;
  private readonly timeoutMs: number;
  /** Passed to every call: where X lives, and twitter-api-v2's socket idle timeout (it sets none itself). */
  private readonly base: { prefix: string; timeout: number };
  private readonly logger: Logger | undefined;
  private userId: Promise<string> | undefined;

  constructor(options: XPublisherOptions) {
    const { appKey, appSecret, accessToken, accessSecret } = options;
    const missing = Object.entries({ appKey, appSecret, accessToken, accessSecret }).filter(([, v]) => !v).map(([k]) => k);
    if (missing.length > 0) throw new Error(`XPublisher: missing X credentials: ${missing.join(', ')}`);
    const baseUrl = (options.baseUrl ?? 'https://api.x.com').replace(/\/+$/, '');
    // twitter-api-v2 always calls https.request; an http.Agent is what lets it speak plain http.
    // No keep-alive: the per-request event hook `call` needs adds six listeners to the request's
    // socket and never removes them, so a reused socket gathered them until Node warned of a leak.
    // herald makes a few calls a minute at most; a connection each costs nothing that matters.
    const agentOptions = { keepAlive: false };
    this.agent = new URL(baseUrl).protocol === 'http:' ? new http.Agent(agentOptions) : new https.Agent(agentOptions);
    this.v2 = new TwitterApi({ appKey, appSecret, accessToken, accessSecret }, { httpAgent: this.agent }).v2;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    // Per call rather than v2.setPrefix(), which the library's typings mark protected.
    this.base = { prefix: `${baseUrl}/2/`, timeout: this.timeoutMs };
    this.logger = options.logger?.child({ publisher: 'x' });
  }

  /** Posts a tweet, or a reply when `inReplyTo` is set. Rejects with a `PublishError` only. */
  async post({ text, inReplyTo, log }: PublishRequest): Promise<PublishedPost> {
    const body = inReplyTo === undefined ? { text } : { text, reply: { in_reply_to_tweet_id: inReplyTo } };
    const res = await this.call('POST /2/tweets', (args) => this.v2.post<{ data?: TweetBody }>('tweets', body, args));
    const id = res.data?.id;
    if (!id) {
      // X said yes without saying what it created: the post may be live, so treat it like a lost answer.
      throw this.failed('POST /2/tweets', new PublishError('outcome-unknown', 'X accepted the post but its answer carried no tweet id; reconcile before posting again'));
    }
    postLogger({ log }, 'x', this.logger)?.info({ tweetId: id, inReplyTo }, 'posted to X');
    return { id, text: unescapeText(res.data?.text ?? text), postedAt: new Date().toISOString() };
  }

  /**
   * The account's latest tweets, newest first (at most 100: one page is enough to reconcile).
   * The text is as X stores it: links appear as t.co URLs.
   */
  async recentPosts(limit: number): Promise<RecentPost[]> {
    if (limit <= 0) return [];
    const userId = await this.ownUserId();
    const query = { max_results: Math.min(100, Math.max(5, Math.floor(limit))), 'tweet.fields': 'referenced_tweets,created_at' };
    const res = await this.call('GET /2/users/:id/tweets', (args) => this.v2.get<{ data?: TweetBody[] }>(`users/${userId}/tweets`, query, args));
    return (res.data ?? []).slice(0, limit).flatMap((tweet): RecentPost[] => {
      if (!tweet.id || tweet.text === undefined) return [];
      const parent = tweet.referenced_tweets?.find((ref) => ref.type === 'replied_to')?.id;
      return [{ id: tweet.id, text: unescapeText(tweet.text), ...(parent !== undefined && { inReplyTo: parent }), ...(tweet.created_at && { createdAt: tweet.created_at }) }];
    });
  }

  /** Asks X who herald is (`GET /2/users/me`): cheap, and refused while the credentials or access tier are. */
  async verify(): Promise<void> {
    this.userId = undefined;
    await this.ownUserId();
  }

  /** Closes idle keep-alive connections; call on shutdown. */
  close(): void {
    this.agent.destroy();
  }

  /** The account's own user id, asked once; a failed lookup is asked again next time. */
  private ownUserId(): Promise<string> {
    if (!this.userId) {
      const lookup = this.call('GET /2/users/me', (args) => this.v2.get<{ data?: { id?: string } }>('users/me', undefined, args))
        .then((res) => {
          if (!res.data?.id) throw new PublishError('server-error', 'X answered GET /2/users/me without a user id');
          return res.data.id;
        });
      lookup.catch(() => {
        if (this.userId === lookup) this.userId = undefined;
      });
      this.userId = lookup;
    }
    return this.userId;
  }

  /**
   * Runs one request under a hard deadline. twitter-api-v2's own `timeout` only fires when the
   * socket goes quiet; the deadline also bounds an answer that trickles in, and it aborts the
   * request (destroys its socket). X may still carry out a request that reached it, later: the retry
   * sends the same text, so X's duplicate rule stops a second copy (docs/faults.md). The library takes no AbortSignal (1.29.1): its per-request event hook hands us the
   * socket instead. A deadline hit before the connection was even made provably sent nothing.
   */
  private async call<T>(route: string, request: (args: XCallArgs) => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    let socket: Socket | undefined;
    let connected = false;
    const args: XCallArgs = {
      ...this.base,
      requestEventDebugHandler: (event, data) => {
        if (event === 'socket') {
          socket = (data as { socket?: Socket } | undefined)?.socket;
          // A kept-alive socket is connected already: what was written on it may have reached X.
          connected = socket !== undefined && !socket.connecting;
        } else if (event === 'socket-connect') connected = true;
      },
    };
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = connected
          ? new PublishError('outcome-unknown', `X did not answer ${route} within ${this.timeoutMs} ms; the request was aborted but may have been carried out`)
          : new PublishError('unreachable', `Could not connect to X for ${route} within ${this.timeoutMs} ms; nothing was sent`);
        socket?.destroy();
        reject(error);
      }, this.timeoutMs);
    });
    try {
      return await Promise.race([request(args), deadline]);
    } catch (err) {
      throw this.failed(route, err);
    } finally {
      clearTimeout(timer);
    }
  }

  private failed(route: string, err: unknown): PublishError {
    const error = toPublishError(err);
    this.logger?.warn({ route, reason: error.reason, status: error.details.status, retryAt: error.details.retryAt }, error.message);
    return error;
  }
}

/**
 * Classifies anything a call to X threw. An answer from X is classified by status and by X's
 * own text; no answer, a cut-off answer or an unexpected error is `outcome-unknown`, because the
 * post may be live. Messages carry the HTTP status and X's detail text, never credentials.
 */
export function toPublishError(err: unknown, now: Date = new Date()): PublishError {
  if (err instanceof PublishError) return err;
  // Matched on twitter-api-v2's `type` tag rather than instanceof: its CJS and ESM builds define separate classes.
  const kind = typeof err === 'object' && err !== null && 'error' in err && err.error === true && 'type' in err ? err.type : undefined;
  if (kind === 'response') return fromResponse(err as ApiResponseError, now);
  if (kind === 'partial-response') {
    const partial = err as ApiPartialResponseError;
    const status = partial.response?.statusCode;
    return new PublishError(
      'outcome-unknown',
      `X's answer (HTTP ${status ?? '?'}) was cut off or unreadable (${partial.responseError?.message ?? partial.message}); the request may have been carried out`,
      { ...(status !== undefined && { status }), cause: err },
    );
  }
  if (kind === 'request') {
    // `requestError` reads a field the library never sets (1.29.1): the cause is kept in `_options.error`.
    const cause = ((err as ApiRequestError).requestError ?? (err as { _options?: { error?: unknown } })._options?.error) as
      | (Error & { code?: string })
      | undefined;
    if (cause?.code !== undefined && NEVER_CONNECTED.includes(cause.code)) {
      return new PublishError('unreachable', `Could not connect to X (${cause.code}); nothing was sent`, { cause: err });
    }
    const what = cause?.message === 'Request timeout.'
      ? 'X did not answer in time'
      : `The connection to X failed before an answer (${[cause?.code, cause?.message].filter(Boolean).join(': ') || 'no details'})`;
    return new PublishError('outcome-unknown', `${what}; the request may have been carried out`, { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new PublishError('outcome-unknown', `Unexpected error while calling X: ${message}`, { cause: err });
}

/** Errors raised before a connection to X existed: the request provably never left. */
const NEVER_CONNECTED = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'];

// Old v1.1 codes some endpoints still send in `errors[].code`.
const V1_DUPLICATE = 187;
const V1_PARENT_MISSING = [144, 385];
const V1_REPLY_RESTRICTED = 433;
/** The request field X names when the tweet replied to is gone. */
const REPLY_PARAMETER = 'reply.in_reply_to_tweet_id';

function fromResponse(err: ApiResponseError, now: Date): PublishError {
  const status = err.code;
  const { detail, codes, parameters } = readBody(err.data);
  const said = detail.toLowerCase();
  const base = `X answered HTTP ${status}${detail ? `: ${detail.replace(/[.\s]+$/, '')}` : ''}`;
  const make = (reason: PublishFailureReason, advice: string, retryAt?: Date) =>
    new PublishError(reason, `${base}. ${advice}`, { status, cause: err, ...(retryAt && { retryAt }) });

  if (status === 429 || status === 420) {
    const retryAt = retryAtFrom(err.headers ?? {}, now);
    return make('rate-limited', `Rate limited until ${retryAt.toISOString()}.`, retryAt);
  }
  const parentMissing = said.includes('deleted or not visible') || codes.some((c) => V1_PARENT_MISSING.includes(c));
  if (status === 403) {
    if (said.includes('duplicate content') || codes.includes(V1_DUPLICATE)) {
      return make('duplicate', 'The same text is already on the account; change the text rather than retrying.');
    }
    if (said.includes('reply to this conversation is not allowed') || said.includes('not been mentioned or otherwise engaged') || codes.includes(V1_REPLY_RESTRICTED)) {
      return make('reply-refused', 'X does not allow this reply; post it as a new tweet instead.');
    }
    if (parentMissing) return make('parent-missing', 'The tweet replied to is deleted or not visible yet.');
    return make('unauthorized', "Check the app's keys and access token, their read-write permission and the API access tier.");
  }
  // A deleted parent has also been answered 400 naming the reply field ("... does not exist"), in
  // the message or only in `errors[].parameters` ("The tweet you are replying to does not exist").
  const aboutParent = parameters.includes(REPLY_PARAMETER) || said.includes('in_reply_to_tweet_id');
  if (status === 400 && aboutParent && said.includes('does not exist')) {
    return make('parent-missing', 'The tweet replied to does not exist (deleted?).');
  }
  if (status === 404 && parentMissing) return make('parent-missing', 'The tweet replied to is deleted or not visible yet.');
  if (status === 401) return make('unauthorized', "Check the app's keys and access token (revoked or regenerated?).");
  if (status === 402) return make('payment-required', 'The X developer account is out of credits.');
  if (status >= 500) return make('server-error', 'X is having trouble; retry later.');
  return make('invalid', 'The request itself was refused; retrying it as is cannot help.');
}

/**
 * X's human text from either error format: v2 problem JSON or v1.1 `{errors:[{message, code}]}`,
 * with the request fields a v2 body names in `errors[].parameters`.
 */
function readBody(data: unknown): { detail: string; codes: number[]; parameters: string[] } {
  if (typeof data === 'string') return { detail: data.replace(/\s+/g, ' ').trim().slice(0, 300), codes: [], parameters: [] };
  if (typeof data !== 'object' || data === null) return { detail: '', codes: [], parameters: [] };
  const body = data as { title?: unknown; detail?: unknown; reason?: unknown; errors?: unknown };
  const errors = Array.isArray(body.errors) ? (body.errors as { message?: unknown; detail?: unknown; code?: unknown; parameters?: unknown }[]) : [];
  const parts = [body.detail ?? body.title, body.reason, ...errors.map((e) => e.message ?? e.detail)];
  const texts = [...new Set(parts.filter((p): p is string => typeof p === 'string' && p.length > 0))];
  const parameters = errors.flatMap((e) => (typeof e.parameters === 'object' && e.parameters !== null ? Object.keys(e.parameters) : []));
  return { detail: texts.join('; '), codes: errors.map((e) => e.code).filter((c): c is number => typeof c === 'number'), parameters };
}

/**
 * When a 429 lifts: the 15-minute window's reset, or a 24-hour window's if that one is spent,
 * whichever is later. X sends Unix seconds and no Retry-After.
 */
function retryAtFrom(headers: IncomingHttpHeaders, now: Date): Date {
  const num = (name: string): number | undefined => {
    const raw = headers[name];
    const value = Number(Array.isArray(raw) ? raw[0] : raw);
    return raw === undefined || raw === '' || !Number.isFinite(value) ? undefined : value;
  };
  const resets = [num('x-rate-limit-reset')];
  for (const scope of ['user', 'app']) {
    if (num(`x-${scope}-limit-24hour-remaining`) === 0) resets.push(num(`x-${scope}-limit-24hour-reset`));
  }
  const known = resets.filter((r): r is number => r !== undefined);
  // Without a reset header, wait one 15-minute window: X's shortest.
  const at = known.length > 0 ? Math.max(...known) * 1000 : now.getTime() + 15 * 60_000;
  return new Date(Math.max(at, now.getTime()));
}

/** X returns tweet text with &, < and > HTML-escaped; give callers the text as written. */
function unescapeText(text: string): string {
  return text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
}
