import type { FastifyInstance } from 'fastify';
import { requires } from '../auth/guard.ts';
import { z } from 'zod';
import { IncidentNotFound, type IncidentStore } from '../incidents/store.ts';
import { invalidPayload } from '../errors.ts';
import { editJournal, journalOf, NOTE_FIELDS, type TweetLink } from './journal.ts';
import { journalMarkdown } from './markdown.ts';
import { CONSOLE_LOCALES, translator, type ConsoleLocale } from '../console/i18n.ts';
import { readerLocale } from '../console/locale.ts';
import { loadPeriod, periodSchema, type ReportSource } from './report.ts';
import type { JournalStore } from './store.ts';

export interface JournalDeps {
  incidents: IncidentStore & ReportSource;
  journals: JournalStore;
  link: TweetLink;
  timezone: string;
  /** The Markdown export's language when the reader asks for none of ko, ja, en (HERALD_LOCALE). */
  locale: ConsoleLocale;
  now?: () => Date;
}

const NOTE_MAX = 20_000;

export const journalPatchSchema = z
  .object({
    cause: z.string().max(NOTE_MAX).optional(),
    actionsTaken: z.string().max(NOTE_MAX).optional(),
    retrospective: z.string().max(NOTE_MAX).optional(),
    prevention: z.string().max(NOTE_MAX).optional(),
  })
  .strict()
  .refine((body) => NOTE_FIELDS.some((f) => body[f] !== undefined), { message: `give at least one of ${NOTE_FIELDS.join(', ')}` });

/**
 * The journal of each incident (`/api/incidents/:key/journal[.md|.json]`) and the period report
 * (`/api/reports`), behind the API token.
 */
export async function journalRoutes(app: FastifyInstance, deps: JournalDeps) {
  const now = deps.now ?? (() => new Date());
  // Exports hold text from alerts and people: a browser must never guess them to be HTML.
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    return payload;
  });

  async function load(key: string) {
    const incident = await deps.incidents.get(key);
    return incident ? journalOf(incident, await deps.journals.get(key), deps.link) : undefined;
  }

  app.get<{ Params: { key: string } }>('/api/incidents/:key/journal.json', requires('view'), async (request) => {
    const journal = await load(request.params.key);
    if (!journal) throw new IncidentNotFound(request.params.key);
    return journal;
  });

  // In the reader's language (`?lang=`, else Accept-Language, else HERALD_LOCALE), with the audience's clock.
  app.get<{ Params: { key: string }; Querystring: { lang?: string } }>('/api/incidents/:key/journal.md', requires('view'), async (request, reply) => {
    const journal = await load(request.params.key);
    if (!journal) throw new IncidentNotFound(request.params.key);
    const locale = readerLocale(request, CONSOLE_LOCALES, deps.locale);
    return reply
      .type('text/markdown; charset=utf-8')
      .header('vary', 'Accept-Language')
      .header('content-language', locale)
      .header('content-disposition', `inline; filename="${request.params.key.replace(/[^\w.-]/g, '_')}-journal.md"`)
      .send(journalMarkdown(journal, { tr: translator(locale), clock: { locale, zone: deps.timezone } }));
  });

  app.patch<{ Params: { key: string } }>('/api/incidents/:key/journal', requires('decide'), async (request) => {
    const parsed = journalPatchSchema.safeParse(request.body ?? {});
    if (!parsed.success) throw invalidPayload(parsed.error, 'the journal edit');
    const { key } = request.params;
    if (!(await deps.incidents.get(key))) throw new IncidentNotFound(key);
    const patch = parsed.data;
    // Who edited is who signed in (or holds the API token), never what the body claims.
    const editor = request.principal!.name;
    await deps.journals.update(key, (current) => editJournal(current, patch, now().toISOString(), editor));
    request.log.info({ incident: key, editor, fields: NOTE_FIELDS.filter((f) => patch[f] !== undefined) }, 'journal edited');
    return load(key);
  });

  app.get<{ Querystring: Record<string, string> }>('/api/reports', requires('view'), async (request) => {
    const parsed = periodSchema(deps.timezone).safeParse(request.query);
    if (!parsed.success) throw invalidPayload(parsed.error, 'the period');
    return loadPeriod(deps.incidents, parsed.data);
  });
}
