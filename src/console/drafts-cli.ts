import { parseArgs } from 'node:util';
import type { CliCommand, CliIo } from '../cli.ts';

/**
 * `herald drafts list|approve|reject`: the running service's JSON API from a terminal, with
 * HERALD_API_TOKEN (an admin), so a person on call can act without the console.
 */

const USAGE = 'herald drafts list [--json] | approve <id> [--text <text>] | reject <id> --reason <text>   [--url http://127.0.0.1:8080]';

interface DraftRow {
  id: string;
  incident: string;
  kind: string;
  text: string;
  weightedLength: number;
}

export class HeraldRefused extends Error {}

export async function call(io: CliIo, base: string, token: string, method: string, path: string, body?: unknown): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(new URL(path, base), {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (err) {
    throw new HeraldRefused(`cannot reach herald at ${base}: ${(err as Error).cause ?? (err as Error).message}`);
  }
  const text = await res.text();
  const parsed: unknown = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    const { error, details } = (parsed ?? {}) as { error?: string; details?: string[] };
    throw new HeraldRefused(`herald answered ${res.status}: ${error ?? res.statusText}${details?.length ? `\n  - ${details.join('\n  - ')}` : ''}`);
  }
  return parsed;
}

function printList(io: CliIo, drafts: DraftRow[]): void {
  io.out(drafts.length === 0 ? 'no drafts waiting\n' : `${drafts.length} draft(s) waiting\n`);
  for (const d of drafts) {
    io.out(`\n${d.id}  ${d.kind}  ${d.weightedLength}/280\n${d.text.replace(/^/gm, '  ')}\n`);
  }
}

export const draftsCommand: CliCommand = {
  summary: 'list, approve or reject the drafts waiting in a running herald (HERALD_API_TOKEN)',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: { url: { type: 'string' }, reason: { type: 'string' }, text: { type: 'string' }, json: { type: 'boolean', default: false } },
      allowPositionals: true,
    });
    const [verb, id] = positionals;
    const token = io.env.HERALD_API_TOKEN;
    if (!token) {
      io.err('set HERALD_API_TOKEN to the token the running herald was started with\n');
      return 2;
    }
    const base = values.url ?? io.env.HERALD_URL ?? `http://127.0.0.1:${io.env.PORT ?? 8080}`;
    const needsId = verb === 'approve' || verb === 'reject';
    if (!verb || !['list', 'approve', 'reject'].includes(verb) || (needsId && !id) || (verb === 'reject' && !values.reason)) {
      io.err(`usage: ${USAGE}\n`);
      return 2;
    }
    try {
      if (verb === 'list') {
        const drafts = (await call(io, base, token, 'GET', '/api/drafts')) as DraftRow[];
        if (values.json) io.out(`${JSON.stringify(drafts, null, 2)}\n`);
        else printList(io, drafts);
        return 0;
      }
      const path = `/api/drafts/${encodeURIComponent(id!)}/${verb}`;
      const body = verb === 'reject' ? { reason: values.reason } : values.text !== undefined ? { text: values.text } : {};
      const done = (await call(io, base, token, 'POST', path, body)) as DraftRow & { status: string };
      io.out(verb === 'approve' ? `approved ${done.id}: it goes out now\n` : `rejected ${done.id}: nothing will be posted for it\n`);
      return 0;
    } catch (err) {
      if (!(err instanceof HeraldRefused)) throw err;
      io.err(`${err.message}\n`);
      return 1;
    }
  },
};
