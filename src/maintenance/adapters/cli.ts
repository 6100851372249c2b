import { parseArgs } from 'node:util';
import type { CliCommand } from '../../cli-command.ts';
import type { ApiClientSettings } from '../../cli-settings.ts';
import { printListed, withHerald } from '../../cli/client.ts';
import type { MaintenanceView } from '../view.ts';

/**
 * `herald maintenance list|schedule|move|done|cancel`: the running service's maintenance API from a
 * terminal, with HERALD_API_TOKEN, like `herald drafts`.
 */
const USAGE = [
  'herald maintenance list [--json]',
  '  | schedule --service <name> --feature <feature> --starts <ISO time> --ends <ISO time> [--ahead PT24H,PT1H | --ahead none]',
  '  | move <key> [--starts <ISO time>] [--ends <ISO time>]',
  '  | done <key> | cancel <key>   [--url http://127.0.0.1:8080]',
].join('\n');

const line = (w: MaintenanceView) => `${w.key}  ${w.state}  ${w.service} (${w.impacts.map((i) => i.feature).join(', ')})  ${w.startsAt} – ${w.endsAt}  ${w.tweets.length} tweet(s)\n`;

export const maintenanceCommand: CliCommand<ApiClientSettings> = {
  summary: 'schedule, list, move, finish or cancel maintenance windows in a running herald (HERALD_API_TOKEN)',
  usage: USAGE,
  async run(args, io, settings) {
    const { values, positionals } = parseArgs({
      args,
      options: {
        url: { type: 'string' },
        json: { type: 'boolean', default: false },
        service: { type: 'string' },
        feature: { type: 'string' },
        starts: { type: 'string' },
        ends: { type: 'string' },
        ahead: { type: 'string' },
      },
      allowPositionals: true,
    });
    const [verb, key] = positionals;
    const needsKey = verb === 'move' || verb === 'done' || verb === 'cancel';
    if (!verb || !['list', 'schedule', 'move', 'done', 'cancel'].includes(verb) || (needsKey && !key)) {
      io.err(`usage: ${USAGE}\n`);
      return 2;
    }
    return withHerald(io, settings, values.url, async (herald) => {
      if (verb === 'list') {
        const windows = (await herald.call('GET', '/api/maintenance')) as MaintenanceView[];
        printListed(io, values.json, windows, (all) => (all.length === 0 ? 'no maintenance scheduled\n' : all.map(line).join('')));
        return;
      }
      let done: MaintenanceView;
      if (verb === 'schedule') {
        const ahead = values.ahead === undefined ? undefined : values.ahead === 'none' ? [] : values.ahead.split(',').map((d) => d.trim());
        done = (await herald.call('POST', '/api/maintenance', { service: values.service, feature: values.feature, startsAt: values.starts, endsAt: values.ends, ...(ahead && { announceAhead: ahead }) })) as MaintenanceView;
      } else if (verb === 'move') {
        done = (await herald.call('PATCH', `/api/maintenance/${encodeURIComponent(key!)}`, { ...(values.starts && { startsAt: values.starts }), ...(values.ends && { endsAt: values.ends }) })) as MaintenanceView;
      } else {
        done = (await herald.call('POST', `/api/maintenance/${encodeURIComponent(key!)}/${verb}`, {})) as MaintenanceView;
      }
      io.out(line(done));
    });
  },
};
