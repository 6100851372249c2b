/**
 * A stand-in for a Mastodon instance over real HTTP, for tests and the fault harness. It keeps
 * what shapes herald's Mastodon adapter: the instance's own text limit (graphemes, each link 23),
 * `in_reply_to_id` must name an existing status, a repeated `Idempotency-Key` answers the status
 * it first created, statuses come back as HTML, and a 429 carries `X-RateLimit-Reset`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Arrivals, closeServer } from './arrivals.ts';

/** What the next `POST /api/v1/statuses` suffers; `drop-after-create` stores it and hangs up. */
export type MastodonFault = '429' | '500' | '401' | 'drop-after-create' | 'drop-before-create';

export interface FakeStatus {
  id: string;
  text: string;
  language: string | null;
  inReplyToId: string | null;
  url: string;
  createdAt: string;
  idempotencyKey: string | null;
}

export interface FakeMastodon {
  readonly url: string;
  readonly statuses: FakeStatus[];
  readonly requests: Record<string, number>;
  /** Every POST /api/v1/statuses as received (headers and body), for the real-client test. */
  readonly received: { headers: http.IncomingHttpHeaders; body: any }[];
  readonly injected: Record<string, number>;
  failNext(...faults: MastodonFault[]): void;
  refuseAccount(refused: boolean): void;
  /** Deletes a status, as a person on the account might; replies to it then answer 404. */
  deleteStatus(id: string): void;
  setChaos(chaos: { rate: number; faults: MastodonFault[]; random?: () => number } | undefined): void;
  waitForStatuses(n: number, timeoutMs?: number): Promise<FakeStatus[]>;
  close(): Promise<void>;
}

const URL_LENGTH = 23;
const graphemes = (text: string) => [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].length;
const countable = (text: string) => {
  const urls = text.match(/https?:\/\/\S+/g) ?? [];
  return graphemes(text.replace(/https?:\/\/\S+/g, '')) + urls.length * URL_LENGTH;
};
const escape = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
/** As Mastodon renders plain text: paragraphs, `<br />`, links wrapped in spans. */
const html = (text: string) =>
  text
    .split(/\n{2,}/)
    .map((p) => `<p>${escape(p).replace(/\n/g, '<br />').replace(/https?:\/\/[^\s<]+/g, (u) => `<a href="${u}" rel="nofollow noopener" target="_blank"><span class="invisible">${u.slice(0, u.indexOf('//') + 2)}</span><span class="">${u.slice(u.indexOf('//') + 2)}</span></a>`)}</p>`)
    .join('');

export async function startFakeMastodon(options: { maxCharacters?: number; username?: string; onlyV1Instance?: boolean; rateLimitResetSeconds?: number } = {}): Promise<FakeMastodon> {
  const maxCharacters = options.maxCharacters ?? 500;
  const username = options.username ?? 'status';
  const token = 'mastodon-token';
  const accountId = '109000000000000001';
  const statuses: FakeStatus[] = [];
  const arrivals = new Arrivals(statuses, { fake: 'fake Mastodon', items: 'statuses', show: (s) => s.text });
  const requests: Record<string, number> = {};
  const received: { headers: http.IncomingHttpHeaders; body: any }[] = [];
  const injected: Record<string, number> = {};
  const faults: MastodonFault[] = [];
  const byKey = new Map<string, FakeStatus>();
  let refused = false;
  let chaos: { rate: number; faults: MastodonFault[]; random?: () => number } | undefined;
  let nextId = 110000000000000000n;
  let base = '';

  const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };
  const account = () => ({ id: accountId, username, acct: username, display_name: 'Status', url: `${base}/@${username}`, locked: false, bot: true, created_at: '2026-01-01T00:00:00.000Z', note: '', avatar: '', header: '', followers_count: 0, following_count: 0, statuses_count: statuses.length, fields: [], emojis: [] });
  const view = (s: FakeStatus) => ({ id: s.id, uri: `${base}/users/${username}/statuses/${s.id}`, url: s.url, created_at: s.createdAt, in_reply_to_id: s.inReplyToId, in_reply_to_account_id: s.inReplyToId ? accountId : null, content: html(s.text), language: s.language, visibility: 'public', sensitive: false, spoiler_text: '', account: account(), media_attachments: [], mentions: [], tags: [], emojis: [], reblog: null, replies_count: 0, reblogs_count: 0, favourites_count: 0 });
  const instance = () => ({ domain: new URL(base).host, uri: new URL(base).host, title: 'Fake', version: '4.3.0', configuration: { statuses: { max_characters: maxCharacters, max_media_attachments: 4, characters_reserved_per_url: URL_LENGTH } } });

  function createStatus(req: http.IncomingMessage, res: http.ServerResponse, body: any) {
    received.push({ headers: req.headers, body });
    const key = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : null;
    const first = key ? byKey.get(key) : undefined;
    if (first) return send(res, 200, view(first));
    const random = chaos?.random ?? Math.random;
    const fault = faults.shift() ?? (chaos && random() < chaos.rate ? chaos.faults[Math.floor(random() * chaos.faults.length)] : undefined);
    if (fault) injected[fault] = (injected[fault] ?? 0) + 1;
    if (fault === '429') {
      const reset = new Date(Date.now() + (options.rateLimitResetSeconds ?? 300) * 1000).toISOString();
      return send(res, 429, { error: 'Too many requests' }, { 'x-ratelimit-limit': '300', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset });
    }
    if (fault === '500') return send(res, 500, { error: 'We\'re sorry, but something went wrong on our end.' });
    if (fault === '401') return send(res, 401, { error: 'The access token is invalid' });
    if (fault === 'drop-before-create') return req.socket.destroy();
    const text = typeof body?.status === 'string' ? body.status : '';
    if (!text.trim()) return send(res, 422, { error: "Validation failed: Text can't be blank" });
    if (countable(text) > maxCharacters) return send(res, 422, { error: `Validation failed: Text character limit of ${maxCharacters} exceeded` });
    const parent = body?.in_reply_to_id;
    if (parent !== undefined && parent !== null && !statuses.some((s) => s.id === String(parent))) return send(res, 404, { error: 'Record not found' });
    nextId += 1n;
    const id = String(nextId);
    const status: FakeStatus = { id, text, language: body?.language ?? null, inReplyToId: parent ? String(parent) : null, url: `${base}/@${username}/${id}`, createdAt: new Date().toISOString(), idempotencyKey: key };
    statuses.push(status);
    if (key) byKey.set(key, status);
    arrivals.arrived();
    if (fault === 'drop-after-create') return req.socket.destroy();
    send(res, 200, view(status));
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const route = `${req.method} ${url.pathname.replace(/\/accounts\/\d+\/statuses$/, '/accounts/:id/statuses')}`;
    requests[route] = (requests[route] ?? 0) + 1;
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      if (route.includes('/instance')) {
        if (options.onlyV1Instance && route === 'GET /api/v2/instance') return send(res, 404, { error: 'Not found' });
        return send(res, 200, instance());
      }
      if (refused || req.headers.authorization !== `Bearer ${token}`) return send(res, 401, { error: 'The access token is invalid' });
      const body = raw ? JSON.parse(raw) : undefined;
      switch (route) {
        case 'GET /api/v1/accounts/verify_credentials':
          return send(res, 200, account());
        case 'POST /api/v1/statuses':
          return createStatus(req, res, body);
        case 'GET /api/v1/accounts/:id/statuses': {
          if (!url.pathname.includes(`/${accountId}/`)) return send(res, 404, { error: 'Record not found' });
          const limit = Math.min(40, Number(url.searchParams.get('limit') ?? 20));
          return send(res, 200, [...statuses].reverse().slice(0, limit).map(view));
        }
        default:
          return send(res, 404, { error: `${route} is not part of the fake` });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    statuses,
    requests,
    received,
    injected,
    failNext: (...more) => void faults.push(...more),
    refuseAccount: (value) => void (refused = value),
    deleteStatus(id) {
      const i = statuses.findIndex((s) => s.id === id);
      if (i >= 0) statuses.splice(i, 1);
    },
    setChaos: (value) => void (chaos = value),
    waitForStatuses: (n, timeoutMs) => arrivals.waitFor(n, timeoutMs),
    close: () => closeServer(server),
  };
}

export const FAKE_MASTODON_TOKEN = 'mastodon-token';
