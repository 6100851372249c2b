/**
 * `herald preview`: the thread an incident would produce, as followers would read it, so comms
 * staff can see a wording change before it ships. `--thread` renders a whole scenario (events in
 * time order, follow-ups on the schedule between them, see thread-preview.ts); `--event`
 * renders one event with a sample update (promising the next an hour later) and a sample resolve
 * (1 h 12 min after the event).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { CliCommand, CommandIo } from '../cli-command.ts';
import { eventFields, eventSchema, incomingEventFields, namingAnOpen } from '../incidents/event.ts';
import { describeFollowUps } from '../incidents/follow-up-schedule.ts';
import { undefinedFeatureDetails } from '../incidents/impacts.ts';
import { personFactsSchema } from '../incidents/public-note.ts';
import type { IncomingEvent, PostKind } from '../incidents/model.ts';
import { loadCatalog, type Catalog } from './catalog.ts';
import { composeTweet, type AudienceSettings, type ComposeOptions } from './compose.ts';
import { renderThread, type ScenarioStep, type ThreadSettings, type ThreadTweet } from './thread-preview.ts';
import { MAX_WEIGHTED_LENGTH } from './tweet-length.ts';

/** The generic webhook's body, exactly as the webhook accepts it; `at` defaults to now, as there. */
export const previewEventSchema = eventSchema.transform((e) => ({ ...e, at: e.at ?? DateTime.now().toISO()! }));

/**
 * One event of a `--thread` scenario: the generic webhook's body with `at` required; an open names
 * the service, severity and feature (or impacts), a resolve or update may bring only key and status.
 */
export const scenarioEventSchema = namingAnOpen(incomingEventFields.extend({ at: eventFields.shape.at.unwrap() }));

/**
 * What a person does in a scenario: `{"at", "key", "by", "set": {...}}`, `set` being what
 * PATCH /api/incidents/:key takes (the public note, the phase, ...), a plain note in the locale
 * previewed. Monitoring's events cannot carry a note; people's changes can.
 */
export const scenarioChangeSchema = z
  .object({ key: eventFields.shape.key, at: eventFields.shape.at.unwrap(), by: z.string().trim().min(1).max(60).optional(), set: personFactsSchema })
  .strict();

/** A scenario: events from monitoring and changes by people, in time order (those with `set` are changes). */
export const scenarioSchema = z
  .array(z.unknown())
  .min(1, 'a scenario needs at least one event')
  .transform((steps, ctx) =>
    steps.map((step, i) => {
      const isChange = typeof step === 'object' && step !== null && 'set' in step;
      const parsed = isChange ? scenarioChangeSchema.safeParse(step) : scenarioEventSchema.safeParse(step);
      if (!parsed.success) for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: [i, ...issue.path] } as never);
      return parsed.data as z.infer<typeof scenarioEventSchema> | z.infer<typeof scenarioChangeSchema>;
    }),
  );

/** The scenario's steps as herald receives them, sorted by `at` (the file should be already). */
export function scenarioEvents(steps: z.infer<typeof scenarioSchema>): ScenarioStep[] {
  return steps
    .map((s): ScenarioStep => ('set' in s ? { change: s.set, key: s.key, at: s.at, by: s.by ?? 'staff' } : ({ ...s, source: 'preview', receivedAt: s.at }) satisfies IncomingEvent))
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}
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
const SAMPLE_UPDATE_AFTER = { minutes: 30 };

/** The open → update → resolved thread for `event`. Pure; throws what `composeTweet` throws. */
export function previewThread(catalog: Catalog, event: PreviewEvent, options: ComposeOptions): PreviewTweet[] {
  const at = DateTime.fromISO(event.at, { setZone: true });
  const later = (after: object): string | undefined => (at.isValid ? at.plus(after).toISO() ?? undefined : undefined);
  const base = { incidentKey: event.key, service: event.service, feature: event.feature, impacts: event.impacts, scope: event.scope, dataSafety: event.dataSafety, phase: event.phase, severity: event.severity, openedAt: event.at };
  const steps = [
    { kind: 'open' as const },
    { kind: 'update' as const, at: later(SAMPLE_UPDATE_AFTER), nextUpdateAt: later(SAMPLE_NEXT_UPDATE_AFTER) },
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

/** A `--thread` rendering for people: each tweet with when it goes out, what it answers, its weight and variant. */
export function formatScenario(tweets: readonly ThreadTweet[], heading: string, timezone: string): string {
  const blocks = tweets.map((t, i) => {
    const when = DateTime.fromISO(t.at, { zone: timezone }).toFormat('yyyy-LL-dd HH:mm');
    const answers = t.replyTo === null ? 'new thread' : `reply to ${t.replyTo + 1}`;
    const body = t.text.split('\n').map((line) => `   ${line}`).join('\n');
    return `${i + 1}. ${when} · ${t.kind} (${t.phase}) · ${answers} · ${t.weightedLength}/${MAX_WEIGHTED_LENGTH} · variant ${t.variant + 1}\n${body}`;
  });
  return `${heading}\n\n${blocks.join('\n\n')}\n`;
}

async function readJson(file: string, what: string, io: CommandIo): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    io.err(`cannot read the ${what} in ${file}: ${(e as Error).message}\n`);
    return undefined;
  }
}

const issuesOf = (error: z.ZodError): string => error.issues.map((i) => `  - ${i.path.join('.') || '(body)'}: ${i.message}`).join('\n');

/** What `preview` reads (cli-settings.ts): the audience, the catalog, and the rules a `--thread` runs on. */
export interface PreviewSettings extends AudienceSettings {
  thread: ThreadSettings;
}

/** `herald preview --event <file.json> | --thread <scenario.json> [--locale ko] [--json] [--messages <dir>]`. */
export const previewCommand: CliCommand<PreviewSettings> = {
  usage: 'herald preview (--event <file.json> | --thread <scenario.json>) [--locale ko|en|ja] [--json] [--messages <dir>]',
  async run(args, io, settings) {
    const { values } = parseArgs({
      args,
      options: { event: { type: 'string' }, thread: { type: 'string' }, locale: { type: 'string' }, json: { type: 'boolean', default: false }, messages: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    });
    if (!values.event === !values.thread) {
      io.err(`give one of --event <file.json> or --thread <scenario.json>\nusage: ${this.usage}\n`);
      return 2;
    }
    const locale = values.locale ?? settings.locale;
    const options: ComposeOptions = { locale, timezone: settings.timezone, statusUrl: settings.statusUrl };
    const catalog = loadCatalog(path.resolve(io.cwd, values.messages ?? settings.messagesDir), locale);
    const file = path.resolve(io.cwd, (values.thread ?? values.event)!);
    const body = await readJson(file, values.thread ? 'scenario' : 'event', io);
    if (body === undefined) return 1;

    if (values.thread) {
      const scenario = scenarioSchema.safeParse(body);
      if (!scenario.success) {
        io.err(`${file} is not a scenario (a JSON array of generic webhook events and people's changes, each with its at):\n${issuesOf(scenario.error)}\n`);
        return 1;
      }
      const unknown = scenario.data.flatMap((e, i) => undefinedFeatureDetails('set' in e ? e.set : e, catalog.features).map((d) => `${i}.${d}`));
      if (unknown.length > 0) {
        io.err(`${file} names features the catalog does not define:\n${unknown.join('\n')}\n`);
        return 1;
      }
      const thread = renderThread(catalog, scenarioEvents(scenario.data), options, settings.thread);
      if (values.json) {
        io.out(`${JSON.stringify(thread.map(({ kind, phase, text, weightedLength, replyTo }) => ({ kind, phase, text, weightedLength, replyTo })), null, 2)}\n`);
      } else {
        const cadence = describeFollowUps(settings.thread.followUps);
        io.out(formatScenario(thread, `Thread for ${file} (${locale}, ${options.timezone}; ${cadence})`, options.timezone));
      }
      return 0;
    }

    const event = previewEventSchema.safeParse(body);
    if (!event.success) {
      io.err(`${file} is not a generic webhook event:\n${issuesOf(event.error)}\n`);
      return 1;
    }
    const unknown = undefinedFeatureDetails(event.data, catalog.features);
    if (unknown.length > 0) {
      io.err(`${file} is not a generic webhook event:\n${unknown.join('\n')}\n`);
      return 1;
    }
    const thread = previewThread(catalog, event.data, options);
    if (values.json) {
      io.out(`${JSON.stringify(thread.map(({ kind, text, weightedLength }) => ({ kind, text, weightedLength })), null, 2)}\n`);
    } else {
      io.out(formatThread(thread, `Thread for ${event.data.key} (${locale}, ${options.timezone}; resolve and next update are samples)`));
    }
    return 0;
  },
};
