/**
 * `herald preview`: the thread an event would produce, as followers would read it, so comms staff
 * can see a wording change before it ships. The resolve is a sample (1 h 12 min after the event)
 * and the update promises the next one an hour after it.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { CliCommand } from '../cli-command.ts';
import { EVENT_STATUSES, FEATURES, SEVERITIES, type PostKind } from '../incidents/model.ts';
import { loadCatalog, type Catalog } from './catalog.ts';
import { composeTweet, type AudienceSettings, type ComposeOptions } from './compose.ts';
import { MAX_WEIGHTED_LENGTH } from './tweet-length.ts';

/** The generic webhook's body: the fields preview needs, others ignored. */
export const previewEventSchema = z.looseObject({
  key: z.string().min(1),
  status: z.enum(EVENT_STATUSES),
  service: z.string().min(1),
  feature: z.enum(FEATURES),
  severity: z.enum(SEVERITIES),
  at: z.string().min(1),
});
export type PreviewEvent = z.infer<typeof previewEventSchema>;

/** One tweet of the previewed thread. `--json` prints exactly `kind`, `text`, `weightedLength`. */
export interface PreviewTweet {
  kind: PostKind;
  text: string;
  weightedLength: number;
  variant: number;
}

const SAMPLE_RESOLVE_AFTER = { hours: 1, minutes: 12 };
const SAMPLE_NEXT_UPDATE_AFTER = { hours: 1 };

/** The open → update → resolved thread for `event`. Pure; throws what `composeTweet` throws. */
export function previewThread(catalog: Catalog, event: PreviewEvent, options: ComposeOptions): PreviewTweet[] {
  const at = DateTime.fromISO(event.at, { setZone: true });
  const later = (after: object): string | undefined => (at.isValid ? at.plus(after).toISO() ?? undefined : undefined);
  const base = { incidentKey: event.key, service: event.service, feature: event.feature, severity: event.severity, openedAt: event.at };
  const steps = [
    { kind: 'open' as const },
    { kind: 'update' as const, nextUpdateAt: later(SAMPLE_NEXT_UPDATE_AFTER) },
    { kind: 'resolved' as const, resolvedAt: later(SAMPLE_RESOLVE_AFTER) },
  ];
  return steps.map((step) => {
    const tweet = composeTweet(catalog, { ...base, ...step }, options);
    return { kind: step.kind, text: tweet.text, weightedLength: tweet.weightedLength, variant: tweet.variant };
  });
}

/** Human-readable thread: each tweet with its weight and variant (1-based, as in the YAML list). */
export function formatThread(tweets: readonly PreviewTweet[], heading: string): string {
  const blocks = tweets.map((t, i) => {
    const body = t.text.split('\n').map((line) => `   ${line}`).join('\n');
    return `${i + 1}. ${t.kind} · ${t.weightedLength}/${MAX_WEIGHTED_LENGTH} · variant ${t.variant + 1}\n${body}`;
  });
  return `${heading}\n\n${blocks.join('\n\n')}\n`;
}

/** `herald preview --event <file.json> [--locale ko] [--json] [--messages <dir>]`. */
export const previewCommand: CliCommand<AudienceSettings> = {
  summary: 'print the thread an event would produce, with each tweet\'s length',
  usage: 'herald preview --event <file.json> [--locale ko|en|ja] [--json] [--messages <dir>]',
  async run(args, io, settings) {
    const { values } = parseArgs({
      args,
      options: { event: { type: 'string' }, locale: { type: 'string' }, json: { type: 'boolean', default: false }, messages: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    });
    if (!values.event) {
      io.err(`--event <file.json> is required\nusage: ${this.usage}\n`);
      return 2;
    }
    const file = path.resolve(io.cwd, values.event);
    let body: unknown;
    try {
      body = JSON.parse(await readFile(file, 'utf8'));
    } catch (e) {
      io.err(`cannot read the event in ${file}: ${(e as Error).message}\n`);
      return 1;
    }
    const event = previewEventSchema.safeParse(body);
    if (!event.success) {
      io.err(`${file} is not a generic webhook event:\n${event.error.issues.map((i) => `  - ${i.path.join('.') || '(body)'}: ${i.message}`).join('\n')}\n`);
      return 1;
    }
    const locale = values.locale ?? settings.locale;
    const options: ComposeOptions = { locale, timezone: settings.timezone, statusUrl: settings.statusUrl };
    const catalog = loadCatalog(path.resolve(io.cwd, values.messages ?? settings.messagesDir), locale);
    const thread = previewThread(catalog, event.data, options);
    if (values.json) {
      io.out(`${JSON.stringify(thread.map(({ kind, text, weightedLength }) => ({ kind, text, weightedLength })), null, 2)}\n`);
    } else {
      io.out(formatThread(thread, `Thread for ${event.data.key} (${locale}, ${options.timezone}; resolve and next update are samples)`));
    }
    return 0;
  },
};
