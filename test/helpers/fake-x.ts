/**
 * A stand-in for the X API over real HTTP, for tests, the fault harness and benchmarks. It keeps
 * the rules that shape herald's design (duplicate text and replies to unknown tweets are refused
 * with X's own bodies) and lets a test queue the failures X is known for.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the next `POST /2/tweets` suffers; queued faults are consumed one per request, in order.
 * `drop-after-create` records the tweet and then hangs up (the post is live, the answer is lost);
 * `drop-before-create` hangs up and records nothing; `delay:<ms>` records at once and answers late;
 * `late-create:<ms>` never answers and records the tweet only after `<ms>` (X finishing a request
 * its client gave up on: the tweet appears after herald declared the outcome unknown);
 * `late-create:read` is the same, the tweet recorded just after X answered the next read of the
 * timeline (herald looked, found nothing), however slowly herald gets there;
 * `429-daily` is a 24-hour cap (the 15-minute window still has room); after either, every post is
 * refused the same way until the reset, as X does. `500-after-create` records the tweet and then
 * answers 500; `403` is X's refusal of an app without the needed access tier; `invalid` is a 400
 * for a request X will never take (what herald sent is wrong, not the moment).
 */
export type Fault =
  | '429' | '429-daily' | '500' | '500-after-create' | '503' | '401' | '402' | '403' | 'reply-refused' | 'invalid'
  | 'drop-after-create' | 'drop-before-create' | `delay:${number}` | `late-create:${number}` | 'late-create:read';

/** How X refuses a reply to a deleted tweet (see `deletePost`). */
export type ParentGone = 403 | 400 | '400-parameters';

/** What the next read (`GET /2/users/me`, `GET /2/users/:id/tweets`) suffers; `drop` hangs up. */
export type ReadFault = '429' | '500' | '503' | '401' | '402' | '403' | 'drop';

/** Faults drawn at random for every request, for the fault harness; queued faults go first. */
export interface Chaos {
  posts?: { rate: number; faults: Fault[] };
  reads?: { rate: number; faults: ReadFault[] };
  random?: () => number;
}

export interface FakePost {
  id: string;
  text: string;
  inReplyTo?: string;
  at: Date;
}

export interface FakeXOptions {
  /** Seconds until the window a `429` fault reports as exhausted resets. Default 900. */
  rateLimitResetSeconds?: number;
  /** Seconds until the 24-hour window of a `429-daily` fault resets. Default 6 hours. */
  dailyResetSeconds?: number;
  /** The account everything is posted as. */
  user?: { id: string; name: string; username: string };
}

export interface FakeX {
  /** Base URL without trailing slash, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  readonly user: { id: string; name: string; username: string };
  /** The text of every `POST /2/tweets` that reached the fake, created or not, oldest first. Cleared by `reset()`. */
  readonly sentTexts: string[];
  /** Every tweet created, oldest first. Cleared in place by `reset()`. */
  readonly posts: FakePost[];
  /** Requests by route (`POST /2/tweets`) and by route and outcome (`POST /2/tweets 201`, `... dropped`, `... abandoned`). */
  readonly requests: { byRoute: Record<string, number>; byStatus: Record<string, number> };
  readonly pendingFaults: readonly Fault[];
  /** Faults applied so far, by name (queued and random ones): `POST 429`, `GET drop`, ... */
  readonly injected: Record<string, number>;
  failNext(...faults: Fault[]): void;
  failNextRead(...faults: ReadFault[]): void;
  /** Random faults from now on (undefined stops them). */
  setChaos(chaos: Chaos | undefined): void;
  /**
   * Until called again with undefined, every request is refused as X refuses revoked credentials
   * (401), an app without the access tier (403) or an account out of credits (402).
   */
  refuseAccount(status: 401 | 402 | 403 | undefined): void;
  /**
   * Deletes a tweet, as a person on the account might; replies to it are then refused with a 403
   * "deleted or not visible" or, as X has also been seen to answer, a 400 naming the reply field
   * in its message (`400`) or only in `errors[].parameters` (`400-parameters`).
   */
  deletePost(id: string, answer?: ParentGone): void;
  /**
   * An X outage until called with undefined: `500` answers every request with a 500; `refuse`
   * closes the listener, so connections are refused, and reopens it on the same port afterwards.
   */
  outage(kind: '500' | 'refuse' | undefined): Promise<void>;
  /** Calls `listener` for each tweet created; returns the unsubscribe function. */
  onPost(listener: (post: FakePost) => void): () => void;
  /** Resolves with the posts once at least `n` exist; rejects listing what arrived on timeout. */
  waitForPosts(n: number, timeoutMs?: number): Promise<FakePost[]>;
  /** Forgets posts, faults, counters and rate-limit windows; listeners stay. */
  reset(): void;
  close(): Promise<void>;
}

/** X's real refusal texts: herald's error mapping matches on them, so keep them verbatim. */
export const X_TEXT = {
  duplicate: 'You are not allowed to create a Tweet with duplicate content.',
  parentMissing: 'You attempted to reply to a Tweet that is deleted or not visible to you.',
  replyParentGone: 'The tweet you are replying to does not exist',
  replyRefused:
    'Reply to this conversation is not allowed because you have not been mentioned or otherwise engaged by the author of the post you are replying to.',
} as const;

const WINDOW_SECONDS = 15 * 60;
const LIMITS: Record<string, number> = { 'POST /2/tweets': 100, 'GET /2/users/me': 75, 'GET /2/users/:id/tweets': 900 };
const TWEPOCH = 1288834974657n; // X's snowflake epoch, so ids look and sort like real ones

type Reply = { status: number; body: unknown; headers?: Record<string, string> };

/** X HTML-escapes these three in the tweet text it returns. */
const escapeText = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

const problem = (status: number, title: string, detail: string, type = 'about:blank'): Reply => ({
  status,
  body: { title, detail, type, status },
});

/** X's 400 for a parameter it will not take, naming it in `errors[].parameters`. */
const invalidRequest = (parameters: Record<string, string[]>, message: string): Reply => ({
  status: 400,
  body: {
    errors: [{ parameters, message }],
    title: 'Invalid Request',
    detail: 'One or more parameters to your request was invalid.',
    type: 'https://api.twitter.com/2/problems/invalid-request',
  },
});

/** X's answer to an app that is not attached to a project with the needed access. */
const ACCESS_TIER: Reply = {
  status: 403,
  body: {
    title: 'Client Forbidden',
    detail: 'When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a Twitter developer App that is attached to a Project.',
    reason: 'client-not-enrolled',
    type: 'https://api.twitter.com/2/problems/client-forbidden',
  },
};

/** Starts the fake on 127.0.0.1 with a free port. */
export async function startFakeX(options: FakeXOptions = {}): Promise<FakeX> {
  const user = options.user ?? { id: '1500000000000000001', name: 'Herald Status', username: 'herald_status' };
  const posts: FakePost[] = [];
  const faults: Fault[] = [];
  const readFaults: ReadFault[] = [];
  const injected: Record<string, number> = {};
  let chaos: Chaos | undefined;
  let refusedAs: 401 | 402 | 403 | undefined;
  let failingAll = false;
  const deleted = new Map<string, ParentGone>();
  let limited: { untilSeconds: number; reply: Reply } | undefined;
  const listeners = new Set<(post: FakePost) => void>();
  const requests = { byRoute: {} as Record<string, number>, byStatus: {} as Record<string, number> };
  const sentTexts: string[] = [];
  const windows = new Map<string, { used: number; reset: number }>();
  const timers = new Set<NodeJS.Timeout>();
  /** Requests given `late-create:read`: created once the next timeline read has been answered. */
  const createdAfterRead: string[] = [];
  let lastId = 0n;

  const nowSeconds = () => Math.floor(Date.now() / 1000);
  const bump = (table: Record<string, number>, key: string) => (table[key] = (table[key] ?? 0) + 1);

  // A machine id of its own, as in X's snowflakes: two fakes (two accounts) posting in the same
  // millisecond must not hand out the same tweet id.
  const machine = BigInt(Math.floor(Math.random() * 1024)) << 12n;
  function nextId(): string {
    const candidate = ((BigInt(Date.now()) - TWEPOCH) << 22n) | machine;
    lastId = candidate > lastId ? candidate : lastId + 1n;
    return lastId.toString();
  }

  /** Counts the request against its 15-minute window and returns X's headers for it. Reported, not enforced. */
  function rateHeaders(route: string): Record<string, string> {
    const limit = LIMITS[route] ?? 300;
    let window = windows.get(route);
    if (!window || window.reset <= nowSeconds()) window = { used: 0, reset: nowSeconds() + WINDOW_SECONDS };
    window.used += 1;
    windows.set(route, window);
    return {
      'x-rate-limit-limit': String(limit),
      'x-rate-limit-remaining': String(Math.max(0, limit - window.used)),
      'x-rate-limit-reset': String(window.reset),
    };
  }

  function faultReply(fault: Fault): Reply | undefined {
    const now = nowSeconds();
    switch (fault) {
      case '429': {
        const reset = String(now + (options.rateLimitResetSeconds ?? WINDOW_SECONDS));
        const headers = { 'x-rate-limit-limit': '100', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': reset };
        return { ...problem(429, 'Too Many Requests', 'Too Many Requests'), headers };
      }
      case '429-daily': {
        const daily = String(now + (options.dailyResetSeconds ?? 6 * 3600));
        const headers = {
          'x-rate-limit-limit': '100', 'x-rate-limit-remaining': '57', 'x-rate-limit-reset': String(now + WINDOW_SECONDS),
          'x-user-limit-24hour-limit': '100', 'x-user-limit-24hour-remaining': '0', 'x-user-limit-24hour-reset': daily,
        };
        return { ...problem(429, 'Too Many Requests', 'Too Many Requests'), headers };
      }
      case '500': return problem(500, 'Internal Server Error', 'Internal Server Error');
      case '503': return problem(503, 'Service Unavailable', 'Service Unavailable');
      case '401': return problem(401, 'Unauthorized', 'Unauthorized');
      // The exact 402 body is not documented; X has been seen to answer 402 when credits run out.
      case '402': return problem(402, 'Payment Required', 'Your enrolled account does not have any credits to fulfill this request.');
      case '403': return ACCESS_TIER;
      case 'reply-refused': return problem(403, 'Forbidden', X_TEXT.replyRefused);
      case 'invalid': return invalidRequest({ text: ['…'] }, 'The `text` field is not valid for this request');
      default: return undefined;
    }
  }

  function createTweet(raw: string): Reply {
    let body: { text?: unknown; reply?: { in_reply_to_tweet_id?: unknown } };
    try {
      body = JSON.parse(raw) ?? {};
    } catch {
      return problem(400, 'Invalid Request', 'Request body is not valid JSON.', 'https://api.twitter.com/2/problems/invalid-request');
    }
    const inReplyTo = body.reply?.in_reply_to_tweet_id;
    if (typeof body.text !== 'string' || body.text.length === 0 || (inReplyTo !== undefined && typeof inReplyTo !== 'string')) {
      return problem(400, 'Invalid Request', 'One or more parameters to your request was invalid.', 'https://api.twitter.com/2/problems/invalid-request');
    }
    const text = body.text;
    if (posts.some((p) => p.text === text)) return problem(403, 'Forbidden', X_TEXT.duplicate);
    const gone = inReplyTo === undefined ? undefined : deleted.get(inReplyTo);
    if (gone === 400) {
      return invalidRequest({ 'reply.in_reply_to_tweet_id': [inReplyTo!] }, `The \`reply.in_reply_to_tweet_id\` query parameter value [${inReplyTo}] does not exist`);
    }
    if (gone === '400-parameters') {
      // Seen from X too, exactly so: the parameter is named only in `parameters`, not in the message.
      const body = { title: 'Invalid Request', detail: 'One or more parameters to your request was invalid.', errors: [{ parameters: { 'reply.in_reply_to_tweet_id': [inReplyTo!] }, message: X_TEXT.replyParentGone }] };
      return { status: 400, body };
    }
    if (inReplyTo !== undefined && !posts.some((p) => p.id === inReplyTo)) return problem(403, 'Forbidden', X_TEXT.parentMissing);
    const post: FakePost = { id: nextId(), text, at: new Date(), ...(inReplyTo !== undefined && { inReplyTo }) };
    posts.push(post);
    for (const listener of listeners) listener(post);
    return { status: 201, body: { data: { id: post.id, text: escapeText(post.text), edit_history_tweet_ids: [post.id] } } };
  }

  function timeline(url: URL): Reply {
    const max = Number(url.searchParams.get('max_results') ?? 10);
    if (!Number.isInteger(max) || max < 5 || max > 100) {
      return invalidRequest({ max_results: [String(max)] }, `The \`max_results\` query parameter value [${max}] is not between 5 and 100`);
    }
    const fields = new Set((url.searchParams.get('tweet.fields') ?? '').split(','));
    const page = posts.slice(-max).reverse();
    if (page.length === 0) return { status: 200, body: { meta: { result_count: 0 } } };
    const data = page.map((p) => ({
      id: p.id,
      text: escapeText(p.text),
      edit_history_tweet_ids: [p.id],
      ...(fields.has('created_at') && { created_at: p.at.toISOString() }),
      ...(fields.has('referenced_tweets') && p.inReplyTo && { referenced_tweets: [{ type: 'replied_to', id: p.inReplyTo }] }),
    }));
    return { status: 200, body: { data, meta: { result_count: data.length, newest_id: data[0]!.id, oldest_id: data.at(-1)!.id } } };
  }

  function draw<T extends string>(queued: T[], random: { rate: number; faults: T[] } | undefined, method: string): T | undefined {
    const rand = chaos?.random ?? Math.random;
    const fault = queued.shift() ?? (random && random.faults.length > 0 && rand() < random.rate ? random.faults[Math.floor(rand() * random.faults.length)] : undefined);
    if (fault) bump(injected, `${method} ${fault}`);
    return fault;
  }
  const nextFault = () => draw(faults, chaos?.posts, 'POST');
  const nextReadFault = () => draw(readFaults, chaos?.reads, 'GET');

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake-x');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const tweetsOf = /^\/2\/users\/([^/]+)\/tweets$/.exec(url.pathname);
    const route = `${req.method} ${tweetsOf ? '/2/users/:id/tweets' : url.pathname}`;
    bump(requests.byRoute, route);

    let drop = false;
    let delayMs = 0;
    let reply: Reply;
    const auth = req.headers.authorization ?? '';
    const readFault = req.method === 'GET' ? nextReadFault() : undefined;
    if (!auth.startsWith('OAuth ') || !auth.includes('oauth_signature=')) {
      reply = problem(401, 'Unauthorized', 'Unauthorized');
    } else if (failingAll) {
      bump(injected, `${req.method} outage-500`);
      reply = faultReply('500')!;
    } else if (refusedAs !== undefined) {
      reply = faultReply(String(refusedAs) as Fault)!;
    } else if (readFault === 'drop') {
      bump(requests.byStatus, `${route} dropped`);
      req.socket.destroy();
      return;
    } else if (readFault) {
      reply = faultReply(readFault)!;
    } else if (route === 'POST /2/tweets') {
      const raw = Buffer.concat(chunks).toString('utf8');
      sentTexts.push(String((JSON.parse(raw || '{}') as { text?: unknown }).text));
      const fault = nextFault();
      if (fault === 'late-create:read') {
        createdAfterRead.push(raw);
        return; // no answer: the client times out and hangs up
      }
      if (fault?.startsWith('late-create:')) {
        const timer = setTimeout(() => void createTweet(raw), Number(fault.slice('late-create:'.length)));
        timers.add(timer);
        return; // no answer: the client times out and hangs up
      }
      if (fault === 'drop-before-create') {
        bump(requests.byStatus, `${route} dropped`);
        req.socket.destroy();
        return;
      }
      drop = fault === 'drop-after-create';
      delayMs = fault?.startsWith('delay:') ? Number(fault.slice('delay:'.length)) : 0;
      if (limited && limited.untilSeconds > nowSeconds()) {
        reply = limited.reply;
      } else {
        reply = (fault && faultReply(fault)) || createTweet(Buffer.concat(chunks).toString('utf8'));
        if (reply.status === 429) limited = { untilSeconds: Number(reply.headers?.['x-user-limit-24hour-reset'] ?? reply.headers?.['x-rate-limit-reset']), reply };
        if (fault === '500-after-create' && reply.status === 201) reply = faultReply('500')!;
      }
    } else if (route === 'GET /2/users/me') {
      reply = { status: 200, body: { data: user } };
    } else if (tweetsOf && req.method === 'GET') {
      reply = tweetsOf[1] === user.id ? timeline(url)
        : problem(404, 'Not Found Error', `Could not find user with id: [${tweetsOf[1]}].`, 'https://api.twitter.com/2/problems/resource-not-found');
    } else {
      reply = problem(404, 'Not Found', `No route ${route} in the fake X.`);
    }

    const headers = { 'content-type': 'application/json; charset=utf-8', ...rateHeaders(route), ...reply.headers };
    const answer = () => {
      timers.delete(timer);
      if (drop) {
        bump(requests.byStatus, `${route} dropped`);
        req.socket.destroy();
      } else if (res.destroyed) {
        bump(requests.byStatus, `${route} abandoned`); // the client gave up before a delayed answer
      } else {
        bump(requests.byStatus, `${route} ${reply.status}`);
        res.writeHead(reply.status, headers).end(JSON.stringify(reply.body));
        if (tweetsOf && req.method === 'GET') for (const raw of createdAfterRead.splice(0)) createTweet(raw);
      }
    };
    const timer = setTimeout(answer, delayMs);
    timers.add(timer);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const onPost = (listener: (post: FakePost) => void) => {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  };

  return {
    url: `http://127.0.0.1:${port}`,
    user,
    posts,
    sentTexts,
    requests,
    get pendingFaults() {
      return [...faults];
    },
    injected,
    failNext: (...more) => void faults.push(...more),
    failNextRead: (...more) => void readFaults.push(...more),
    setChaos(next) {
      chaos = next;
    },
    refuseAccount(status) {
      refusedAs = status;
    },
    deletePost(id, answer = 403) {
      const index = posts.findIndex((p) => p.id === id);
      if (index >= 0) posts.splice(index, 1);
      deleted.set(id, answer);
    },
    async outage(kind) {
      failingAll = kind === '500';
      if (kind === 'refuse' && server.listening) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      } else if (kind !== 'refuse' && !server.listening) {
        await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      }
    },
    onPost,
    // As long as the other fakes wait (arrivals.ts): a wait returns as soon as the posts are there,
    // and test files run side by side (npm test), so a post can take longer than alone.
    waitForPosts(n, timeoutMs = 10_000) {
      if (posts.length >= n) return Promise.resolve([...posts]);
      return new Promise((resolve, reject) => {
        const off = onPost(() => {
          if (posts.length < n) return;
          clearTimeout(timer);
          off();
          resolve([...posts]);
        });
        const timer = setTimeout(() => {
          off();
          const seen = posts.map((p) => `${p.id}${p.inReplyTo ? ` (reply to ${p.inReplyTo})` : ''}: ${JSON.stringify(p.text)}`);
          reject(new Error(`fake X: expected ${n} post(s) within ${timeoutMs} ms, got ${posts.length}${seen.length ? `:\n  ${seen.join('\n  ')}` : ''}`));
        }, timeoutMs);
      });
    },
    reset() {
      posts.length = 0;
      sentTexts.length = 0;
      faults.length = 0;
      createdAfterRead.length = 0;
      readFaults.length = 0;
      chaos = undefined;
      refusedAs = undefined;
      failingAll = false;
      deleted.clear();
      limited = undefined;
      windows.clear();
      for (const table of [requests.byRoute, requests.byStatus, injected]) for (const key of Object.keys(table)) delete table[key];
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      if (!server.listening) return;
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
