import { parseArgs } from 'node:util';
import type { CliCommand } from '../cli-command.ts';
import type { ApiClientSettings } from '../cli-settings.ts';
import { printListed, withHerald } from '../cli/client.ts';

/**
 * `herald drafts list|approve|reject`: the running service's JSON API from a terminal, with
 * HERALD_API_TOKEN (an admin), so a person on call can act without the console.
 */

const USAGE = 'herald drafts list [--json] | approve <id> [--text <text>] | reject <id> --reason <text>   [--url http://127.0.0.1:8080]';

interface DraftRow {
  id: string;
  incident: string;
  kind: string;
  /** Present when the draft is for an account other than the default one. */
  account?: string;
  text: string;
  weightedLength: number;
}

const draftList = (drafts: DraftRow[]): string =>
  (drafts.length === 0 ? 'no drafts waiting\n' : `${drafts.length} draft(s) waiting\n`) +
  drafts.map((d) => `\n${d.id}  ${d.kind}${d.account ? `  account ${d.account}` : ''}  ${d.weightedLength}/280\n${d.text.replace(/^/gm, '  ')}\n`).join('');

/** `/api/drafts` gives a page at a time; a terminal lists them all, so it reads until a page is empty. */
async function everyDraft(herald: { call(method: string, path: string): Promise<unknown> }): Promise<DraftRow[]> {
  const rows: DraftRow[] = [];
  for (let page = 1; ; page++) {
    const found = (await herald.call('GET', `/api/drafts?page=${page}`)) as DraftRow[];
    if (found.length === 0) return rows;
    rows.push(...found);
  }
}

export const draftsCommand: CliCommand<ApiClientSettings> = {
  summary: 'list, approve or reject the drafts waiting in a running herald (HERALD_API_TOKEN)',
  usage: USAGE,
  async run(args, io, settings) {
    const { values, positionals } = parseArgs({
      args,
      options: { url: { type: 'string' }, reason: { type: 'string' }, text: { type: 'string' }, json: { type: 'boolean', default: false } },
      allowPositionals: true,
    });
    const [verb, id] = positionals;
    const needsId = verb === 'approve' || verb === 'reject';
    if (!verb || !['list', 'approve', 'reject'].includes(verb) || (needsId && !id) || (verb === 'reject' && !values.reason)) {
      io.err(`usage: ${USAGE}\n`);
      return 2;
    }
    return withHerald(io, settings, values.url, async (herald) => {
      if (verb === 'list') {
        printListed(io, values.json, await everyDraft(herald), draftList);
        return;
      }
      const path = `/api/drafts/${encodeURIComponent(id!)}/${verb}`;
      const body = verb === 'reject' ? { reason: values.reason } : values.text !== undefined ? { text: values.text } : {};
      const done = (await herald.call('POST', path, body)) as DraftRow & { status: string };
      io.out(verb === 'approve' ? `approved ${done.id}: it goes out now\n` : `rejected ${done.id}: nothing will be posted for it\n`);
    });
  },
};
