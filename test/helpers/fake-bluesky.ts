/**
 * A stand-in for a Bluesky PDS over real HTTP (XRPC), for tests and the fault harness. It keeps
 * what shapes herald's Bluesky adapter: sign-ins are counted (they are rate-limited for real),
 * access tokens expire and must be refreshed, a post is at most 300 graphemes and 3,000 bytes, a
 * reply's root and parent must name existing posts by uri *and* cid, and a 429 carries
 * `ratelimit-reset`. Answers are shaped so `@atproto/api` validates them (real CIDs, at-uris).
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Arrivals, closeServer } from './arrivals.ts';

/** What the next createRecord suffers: `drop-after-create` stores the post and hangs up. */
export type BlueskyFault = '429' | '500' | '401' | 'drop-after-create' | 'drop-before-create';

export interface FakeBlueskyPost {
  uri: string;
  cid: string;
  text: string;
  langs: string[];
  reply?: { root: { uri: string; cid: string }; parent: { uri: string; cid: string } };
  createdAt: string;
}

export interface FakeBluesky {
  readonly url: string;
  readonly did: string;
  readonly handle: string;
  readonly password: string;
  readonly posts: FakeBlueskyPost[];
  readonly requests: Record<string, number>;
  /** Every createRecord body as sent, for the real-client test. */
  readonly bodies: unknown[];
  failNext(...faults: BlueskyFault[]): void;
  /** From now on access tokens handed out earlier answer `ExpiredToken`, as after two hours. */
  expireAccessTokens(): void;
  /** While true, sign-ins and every call are refused as for a revoked app password. */
  refuseAccount(refused: boolean): void;
  /** Random faults on createRecord, for the fault harness. */
  setChaos(chaos: { rate: number; faults: BlueskyFault[]; random?: () => number } | undefined): void;
  readonly injected: Record<string, number>;
  waitForPosts(n: number, timeoutMs?: number): Promise<FakeBlueskyPost[]>;
  close(): Promise<void>;
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** A CIDv1 (dag-cbor, sha-256) in base32, as the PDS returns; the hash is over our JSON, which is enough here. */
function cidOf(content: string): string {
  const bytes = Buffer.concat([Buffer.from([0x01, 0x71, 0x12, 0x20]), createHash('sha256').update(content).digest()]);
  let bits = 0;
  let value = 0;
  let out = 'b';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

const graphemes = (text: string) => [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].length;

const SORTABLE = '234567abcdefghijklmnopqrstuvwxyz';

/** A record key like the PDS's TIDs: microseconds and a clock id, base32-sortable, 13 characters, increasing. */
let lastMicros = 0n;
function tid(): string {
  lastMicros = BigInt(Date.now()) * 1000n > lastMicros ? BigInt(Date.now()) * 1000n : lastMicros + 1n;
  let n = (lastMicros << 10n) | 7n;
  let out = '';
  for (let i = 0; i < 13; i++) {
    out = SORTABLE[Number(n & 31n)] + out;
    n >>= 5n;
  }
  return out;
}

export async function startFakeBluesky(options: { handle?: string; password?: string; rateLimitResetSeconds?: number } = {}): Promise<FakeBluesky> {
  const handle = options.handle ?? 'status.example.com';
  const password = options.password ?? 'app-pass-word';
  const did = `did:plc:${randomBytes(12).toString('hex').slice(0, 24)}`;
  const posts: FakeBlueskyPost[] = [];
  const arrivals = new Arrivals(posts, { fake: 'fake Bluesky', items: 'posts', show: (p) => p.text });
  const requests: Record<string, number> = {};
  const bodies: unknown[] = [];
  const injected: Record<string, number> = {};
  const faults: BlueskyFault[] = [];
  const live = new Set<string>();
  const refresh = new Set<string>();
  let refused = false;
  let chaos: { rate: number; faults: BlueskyFault[]; random?: () => number } | undefined;

  const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };
  const fail = (res: http.ServerResponse, status: number, error: string, message: string, headers: Record<string, string> = {}) => send(res, status, { error, message }, headers);
  const tokens = () => {
    const accessJwt = `acc-${randomBytes(8).toString('hex')}`;
    const refreshJwt = `ref-${randomBytes(8).toString('hex')}`;
    live.add(accessJwt);
    refresh.add(refreshJwt);
    return { did, handle, accessJwt, refreshJwt, active: true };
  };
  const bearer = (req: http.IncomingMessage) => (req.headers.authorization ?? '').replace(/^Bearer /, '');
  /** Checks the access token; answers and returns false when it does not pass. */
  const authorized = (req: http.IncomingMessage, res: http.ServerResponse): boolean => {
    if (refused) return fail(res, 401, 'AuthenticationRequired', 'Token has been revoked'), false;
    const token = bearer(req);
    if (live.has(token)) return true;
    if (token.startsWith('acc-')) return fail(res, 400, 'ExpiredToken', 'Token has expired'), false;
    return fail(res, 401, 'AuthenticationRequired', 'Authentication Required'), false;
  };

  function createRecord(req: http.IncomingMessage, res: http.ServerResponse, body: any) {
    bodies.push(body);
    const fault = faults.shift() ?? (chaos && (chaos.random ?? Math.random)() < chaos.rate ? chaos.faults[Math.floor((chaos.random ?? Math.random)() * chaos.faults.length)] : undefined);
    if (fault) injected[fault] = (injected[fault] ?? 0) + 1;
    if (fault === '429') {
      const reset = Math.floor(Date.now() / 1000) + (options.rateLimitResetSeconds ?? 60);
      return fail(res, 429, 'RateLimitExceeded', 'Rate Limit Exceeded', { 'ratelimit-limit': '5000', 'ratelimit-remaining': '0', 'ratelimit-reset': String(reset), 'ratelimit-policy': '5000;w=3600' });
    }
    if (fault === '500') return fail(res, 500, 'InternalServerError', 'Internal Server Error');
    if (fault === '401') return fail(res, 401, 'AuthenticationRequired', 'Token has been revoked');
    if (fault === 'drop-before-create') return req.socket.destroy();
    const record = body?.record ?? {};
    if (body?.repo !== did && body?.repo !== handle) return fail(res, 400, 'InvalidRequest', 'Input/repo must be the signed-in account');
    if (body?.collection !== 'app.bsky.feed.post' || typeof record.text !== 'string' || typeof record.createdAt !== 'string') {
      return fail(res, 400, 'InvalidRequest', 'Invalid app.bsky.feed.post record: text and createdAt are required');
    }
    if (graphemes(record.text) > 300 || Buffer.byteLength(record.text) > 3000) return fail(res, 400, 'InvalidRequest', 'Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes');
    for (const ref of record.reply ? [record.reply.root, record.reply.parent] : []) {
      const target = posts.find((p) => p.uri === ref?.uri);
      if (!target || target.cid !== ref?.cid) return fail(res, 400, 'InvalidRequest', `Could not locate record: ${ref?.uri}`);
    }
    const uri = `at://${did}/app.bsky.feed.post/${tid()}`;
    const post: FakeBlueskyPost = { uri, cid: cidOf(JSON.stringify(record) + uri), text: record.text, langs: record.langs ?? [], reply: record.reply, createdAt: record.createdAt };
    posts.push(post);
    arrivals.arrived();
    if (fault === 'drop-after-create') return req.socket.destroy();
    send(res, 200, { uri, cid: post.cid, commit: { cid: cidOf(`commit${uri}`), rev: tid() }, validationStatus: 'valid' });
  }

  function authorFeed(url: URL, res: http.ServerResponse) {
    const actor = url.searchParams.get('actor');
    if (actor !== did && actor !== handle) return fail(res, 400, 'InvalidRequest', 'Profile not found');
    const limit = Math.min(100, Number(url.searchParams.get('limit') ?? 50));
    const feed = [...posts].reverse().slice(0, limit).map((p) => ({
      post: {
        uri: p.uri,
        cid: p.cid,
        author: { did, handle },
        record: { $type: 'app.bsky.feed.post', text: p.text, createdAt: p.createdAt, langs: p.langs, ...(p.reply && { reply: p.reply }) },
        indexedAt: p.createdAt,
      },
    }));
    send(res, 200, { feed });
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const route = `${req.method} ${url.pathname.replace(/^\/xrpc\//, '')}`;
    requests[route] = (requests[route] ?? 0) + 1;
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = raw ? JSON.parse(raw) : undefined;
      switch (route) {
        case 'POST com.atproto.server.createSession':
          if (refused || body?.password !== password || (body?.identifier !== handle && body?.identifier !== did)) return fail(res, 401, 'AuthenticationRequired', 'Invalid identifier or password');
          return send(res, 200, tokens());
        case 'POST com.atproto.server.refreshSession': {
          const token = bearer(req);
          if (refused || !refresh.delete(token)) return fail(res, 400, 'ExpiredToken', 'Token has been revoked');
          return send(res, 200, tokens());
        }
        case 'GET com.atproto.server.getSession':
          return authorized(req, res) && send(res, 200, { did, handle, active: true });
        case 'POST com.atproto.repo.createRecord':
          return authorized(req, res) && createRecord(req, res, body);
        case 'GET app.bsky.feed.getAuthorFeed':
          return authorized(req, res) && authorFeed(url, res);
        default:
          return fail(res, 501, 'MethodNotImplemented', `${route} is not part of the fake`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    did,
    handle,
    password,
    posts,
    requests,
    bodies,
    injected,
    failNext: (...more) => void faults.push(...more),
    expireAccessTokens: () => live.clear(),
    refuseAccount: (value) => void (refused = value),
    setChaos: (value) => void (chaos = value),
    waitForPosts: (n, timeoutMs) => arrivals.waitFor(n, timeoutMs),
    close: () => closeServer(server),
  };
}
