import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hashPassword } from '../../src/auth/users.ts';
import { API_TOKEN, event, type TestHerald } from './herald.ts';

export { API_TOKEN };

/** One user per role; passwords are only ever hashed into the users file. */
export const PEOPLE = {
  admin: { name: 'ada', password: 'ada-password-1', role: 'admin' },
  approver: { name: 'bo', password: 'bo-password-12', role: 'approver' },
  viewer: { name: 'cy', password: 'cy-password-12', role: 'viewer' },
} as const;

/** Writes `content` to a fresh temporary file and returns its path. */
export function tempFile(name: string, content: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'herald-test-')), name);
  writeFileSync(file, content);
  return file;
}

/** A users file holding the three test people, with Argon2id hashes made now. */
export async function usersFile(): Promise<string> {
  const lines = ['users:'];
  for (const p of Object.values(PEOPLE)) lines.push(`  - name: ${p.name}`, `    role: ${p.role}`, `    passwordHash: "${await hashPassword(p.password)}"`);
  return tempFile('users.yaml', `${lines.join('\n')}\n`);
}

/** Environment for a test herald with the console: users, the API token, and approval for everything. */
export async function consoleEnv(extra: Record<string, string> = {}): Promise<Record<string, string>> {
  return { HERALD_USERS_FILE: await usersFile(), HERALD_API_TOKEN: API_TOKEN, HERALD_APPROVAL: 'required', HERALD_LOCALE: 'en', ...extra };
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

/**
 * A person's browser without the browser: keeps cookies, reads the CSRF token from the pages it
 * fetches, and sends forms or JSON. Tests of roles and security use it; the real-browser test
 * uses Chromium.
 */
export class ConsoleClient {
  readonly cookies = new Map<string, string>();
  csrf: string | undefined;

  constructor(readonly base: string) {}

  async request(method: string, path: string, options: { form?: Record<string, string>; json?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    } else if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    const res = await fetch(this.base + path, { method, headers, body, redirect: 'manual' });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const at = pair!.indexOf('=');
      const value = pair!.slice(at + 1);
      if (value === '' || /Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(cookie)) this.cookies.delete(pair!.slice(0, at));
      else this.cookies.set(pair!.slice(0, at), value);
    }
    const text = await res.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(text)?.[1];
    if (token) this.csrf = token;
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, text, body: parsed };
  }

  get = (path: string) => this.request('GET', path);

  /** POSTs a console form with the CSRF token of the last page fetched (unless the form names its own). */
  postForm = (path: string, form: Record<string, string> = {}) => this.request('POST', path, { form: { _csrf: this.csrf ?? '', ...form } });

  /** Calls the JSON API as a signed-in browser would: session cookie plus the CSRF token header. */
  api = (method: string, path: string, json?: unknown) => this.request(method, path, { json, headers: this.csrf ? { 'x-csrf-token': this.csrf } : {} });

  async signIn(name: string, password: string): Promise<Answer> {
    await this.get('/console/login');
    const answer = await this.postForm('/console/login', { name, password });
    if (answer.status === 303) await this.get('/console');
    return answer;
  }
}

/** Calls the JSON API with a bearer token (the automation path), or none. */
export async function apiCall(base: string, method: string, path: string, json?: unknown, token: string | null = API_TOKEN): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (json !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + path, { method, headers, body: json === undefined ? undefined : JSON.stringify(json) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : undefined };
}

/**
 * Like `settled`, but drafts may go on waiting: their delivery jobs sleep until the approval
 * deadline, so the posts queue is never empty while one waits.
 */
export async function quiet(t: TestHerald, timeoutMs = 15_000): Promise<void> {
  await t.waitFor(
    async () => {
      const [events, posts] = await Promise.all([
        t.herald.queues.events.getJobCounts('wait', 'active', 'delayed', 'prioritized'),
        t.herald.queues.posts.getJobCounts('wait', 'active', 'prioritized'),
      ]);
      return Object.values(events).every((n) => n === 0) && Object.values(posts).every((n) => n === 0);
    },
    'the queues to have nothing but waiting drafts',
    timeoutMs,
  );
}

/** Sends an outage webhook and resolves once its announcement waits as a draft; returns the draft id. */
export async function newDraft(t: TestHerald, overrides: Record<string, unknown> = {}): Promise<string> {
  const e = event(overrides);
  await t.send(e);
  const id = `${e.key}~open-1`;
  await t.waitFor(async () => (await apiCall(t.url, 'GET', '/api/drafts')).body.some((d: any) => d.id === id), `draft ${id}`);
  return id;
}
