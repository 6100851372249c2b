import { parseArgs } from 'node:util';
import type { CliCommand, CommandIo } from '../cli-command.ts';
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

/** The drafts as a person reads them: the id to type, then the tweet's kind and length, then its text. */
const draftList = ({ tr }: CommandIo, drafts: DraftRow[]): string =>
  `${drafts.length === 0 ? tr.t('cli.drafts.none') : tr.t('cli.drafts.waiting', { count: drafts.length })}\n` +
  drafts
    .map((d) => {
      const kind = tr.maybe(`names.kind.${d.kind}`) ?? d.kind;
      const account = d.account ? `  ${tr.t('draft.account', { account: d.account })}` : '';
      return `\n${d.id}  ${kind}${account}  ${d.weightedLength}/280\n${d.text.replace(/^/gm, '  ')}\n`;
    })
    .join('');

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
      io.err(`${io.tr.t('cli.usage', { syntax: USAGE })}\n`);
      return 2;
    }
    return withHerald(io, settings, values.url, async (herald) => {
      if (verb === 'list') {
        printListed(io, values.json, await everyDraft(herald), (drafts) => draftList(io, drafts));
        return;
      }
      const path = `/api/drafts/${encodeURIComponent(id!)}/${verb}`;
      const body = verb === 'reject' ? { reason: values.reason } : values.text !== undefined ? { text: values.text } : {};
      const done = (await herald.call('POST', path, body)) as DraftRow & { status: string };
      io.out(`${io.tr.t(verb === 'approve' ? 'cli.drafts.approved' : 'cli.drafts.rejected', { id: done.id })}\n`);
    });
  },
};
