import { parseArgs } from 'node:util';
import type { CliCommand } from '../../cli-command.ts';
import type { ApiClientSettings } from '../../cli-settings.ts';
import { withHerald } from '../../cli/client.ts';
import type { IncidentFacts } from '../model.ts';

/**
 * `herald incident set <key> --phase identified --scope total --impacts messaging,login:pc
 * --data-safety none-lost --note "…"`: PATCH /api/incidents/:key of a running herald with
 * HERALD_API_TOKEN, so a person on call can say the cause is found without the console. herald
 * checks the values and answers which fields changed and whether a follow-up was planned.
 */
const USAGE =
  'herald incident set <key> [--phase investigating|identified|monitoring] [--scope partial|total] [--impacts messaging,login:pc+mac] [--data-safety none-lost|unknown|possible] [--note "the cause, in your words" | --clear-note] [--url http://127.0.0.1:8080]';

/** `messaging,login:pc+mac` → two impacts, the second on PC and Mac. Values are checked by herald. */
export function parseImpacts(text: string): NonNullable<IncidentFacts['impacts']> {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [feature, platforms] = part.split(':');
      return { feature: feature!.trim(), ...(platforms && { platforms: platforms.split('+').map((p) => p.trim()) }) } as NonNullable<IncidentFacts['impacts']>[number];
    });
}

export const incidentCommand: CliCommand<ApiClientSettings> = {
  usage: USAGE,
  async run(args, io, settings) {
    const { values, positionals } = parseArgs({
      args,
      options: { phase: { type: 'string' }, scope: { type: 'string' }, impacts: { type: 'string' }, 'data-safety': { type: 'string' }, note: { type: 'string' }, 'clear-note': { type: 'boolean' }, url: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
    const [verb, key] = positionals;
    const body = {
      ...(values.phase !== undefined && { phase: values.phase }),
      ...(values.scope !== undefined && { scope: values.scope }),
      ...(values.impacts !== undefined && { impacts: parseImpacts(values.impacts) }),
      ...(values['data-safety'] !== undefined && { dataSafety: values['data-safety'] }),
      // In herald's language; herald checks it (length, no mentions, hashtags or links).
      ...(values.note !== undefined && { publicNote: values.note }),
      ...(values['clear-note'] === true && { publicNote: null }),
    };
    if (verb !== 'set' || !key || Object.keys(body).length === 0) {
      io.err(`${io.tr.t('cli.usage', { syntax: USAGE })}\n`);
      return 2;
    }
    return withHerald(io, settings, values.url, async (herald) => {
      const done = (await herald.call('PATCH', `/api/incidents/${encodeURIComponent(key)}`, body)) as { changed: string[]; scheduled: string[] };
      const { tr } = io;
      const fields = done.changed.map((field) => tr.maybe(`cli.incident.field.${field}`) ?? field).join(', ');
      const changed = done.changed.length ? tr.t('cli.incident.changed', { key, fields }) : tr.t('cli.incident.unchanged', { key });
      io.out(`${changed}${done.scheduled.length ? tr.t('cli.incident.planned', { ids: done.scheduled.join(', ') }) : ''}\n`);
    });
  },
};
