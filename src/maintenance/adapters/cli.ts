import { parseArgs } from 'node:util';
import type { CliCommand, CommandIo } from '../../cli-command.ts';
import { formatSpan } from '../../compose/reader-time.ts';
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

/** One window as a person reads it: the key to type, then its state, what and when in the reader's words and clock. */
function line({ tr, clock }: CommandIo, w: MaintenanceView, nowMs: number): string {
  const features = w.impacts.map((i) => tr.maybe(`names.feature.${i.feature}`) ?? i.feature).join(', ');
  const state = tr.maybe(`maintenance.state.${w.state}`) ?? w.state;
  return `${w.key}  ${state}  ${w.service} (${features})  ${formatSpan(w.startsAt, w.endsAt, clock, nowMs)}  ${tr.t('cli.maintenance.tweets', { count: w.tweets.length })}\n`;
}

export const maintenanceCommand: CliCommand<ApiClientSettings> = {
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
      io.err(`${io.tr.t('cli.usage', { syntax: USAGE })}\n`);
      return 2;
    }
    const now = Date.now();
    return withHerald(io, settings, values.url, async (herald) => {
      if (verb === 'list') {
        const windows = (await herald.call('GET', '/api/maintenance')) as MaintenanceView[];
        printListed(io, values.json, windows, (all) => (all.length === 0 ? `${io.tr.t('cli.maintenance.none')}\n` : all.map((w) => line(io, w, now)).join('')));
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
      io.out(line(io, done, now));
    });
  },
};
