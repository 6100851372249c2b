/**
 * The incident page's facts form and preview: comms staff set or correct impacts, scope, phase,
 * data safety and the public note while the incident runs (each change in the audit and the journal), and read what
 * herald would post next. The same rules as PATCH /api/incidents/:key.
 */
import type { Config } from '../config.ts';
import { loadCatalog } from '../compose/catalog.ts';
import { runningPreview } from '../compose/running-preview.ts';
import { parseImpacts } from '../incidents/adapters/incident-cli.ts';
import { changeIncidentFacts, factsPatchSchema, type FactsChangeDeps } from '../incidents/adapters/facts-api.ts';
import { impactsOf } from '../incidents/impacts.ts';
import { DATA_SAFETY, PHASES, SCOPES, type Incident } from '../incidents/model.ts';
import { invalidPayload } from '../errors.ts';
import { MAX_WEIGHTED_LENGTH } from '../compose/tweet-length.ts';
import { languageOf } from '../compose/locale-format.ts';
import { PUBLIC_NOTE_MAX_WEIGHT } from '../incidents/public-note.ts';
import { html, type Html } from './html.ts';
import type { Translator } from './i18n.ts';
import { csrfField, type ViewContext } from './views/layout.ts';

export interface IncidentFacts {
  preview(incident: Incident, nowMs: number, tr: Translator): Html;
  change(actor: string, key: string, form: Record<string, string | undefined>): Promise<void>;
  form(incident: Incident, ctx: ViewContext): Html;
}

const blank = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());
/** A select of `values`, each shown in the person's words (`label`) and sent as itself. */
const choice = (name: string, values: readonly string[], selected: string | undefined, unset: string, label: (v: string) => string) =>
  html`<select id="${name}" name="${name}"><option value="">${unset}</option>${values.map((v) => html`<option value="${v}"${v === selected ? html` selected` : ''}>${label(v)}</option>`)}</select>`;

/** How the preview names a tweet's place in the thread (compose/running-preview.ts), by catalog key. */
const PREVIEW_STATUS: Record<string, string> = { posted: 'posted', planned: 'planned', 'next follow-up': 'next', 'if resolved now': 'ifResolved' };

export function incidentFacts(config: Readonly<Config>, deps: FactsChangeDeps): IncidentFacts {
  const catalog = loadCatalog(config.messagesDir, config.locale);
  const options = { locale: config.locale, timezone: config.timezone, statusUrl: config.statusUrl };
  const language = languageOf(config.locale);
  return {
    preview(incident, nowMs, tr) {
      let tweets;
      try {
        tweets = runningPreview(catalog, options, incident, nowMs, config.followUps);
      } catch (err) {
        return html`<p class="note">${tr.t('preview.none', { reason: (err as Error).message })}</p>`;
      }
      const meta = (t: (typeof tweets)[number]) =>
        tr.t('preview.meta', {
          status: tr.t(`preview.status.${PREVIEW_STATUS[t.status] ?? 'planned'}`),
          kind: tr.t(`names.kind.${t.kind}`),
          length: t.weightedLength,
          max: MAX_WEIGHTED_LENGTH,
        });
      return html`<section class="preview"><h2>${tr.t('preview.title')}</h2><p class="lede">${tr.t('preview.lede')}</p>
<ol class="thread">${tweets.map((t) => html`<li><div class="meta">${meta(t)}</div><p class="text" lang="${config.locale}">${t.text}</p></li>`)}</ol></section>`;
    },
    async change(actor, key, form) {
      const body = {
        ...(blank(form.phase) && { phase: blank(form.phase) }),
        ...(blank(form.scope) && { scope: blank(form.scope) }),
        ...(blank(form.dataSafety) && { dataSafety: blank(form.dataSafety) }),
        ...(blank(form.impacts) && { impacts: parseImpacts(form.impacts!) }),
        // The field shows the note in herald's language: sent unchanged, nothing changes; the box removes it.
        ...(blank(form.publicNote) && { publicNote: form.publicNote }),
        ...(form.clearNote === 'on' && { publicNote: null }),
      };
      const parsed = factsPatchSchema.safeParse(body);
      if (!parsed.success) throw invalidPayload(parsed.error, 'the form');
      await changeIncidentFacts(deps, key, parsed.data, actor);
    },
    form(incident, ctx) {
      const { t } = ctx.tr;
      const impacts = impactsOf(incident).map((i) => (i.platforms ? `${i.feature}:${i.platforms.join('+')}` : i.feature)).join(', ');
      return html`<section class="facts-form"><h2>${t('facts.title')}</h2>
<form method="post" action="/console/incidents/${encodeURIComponent(incident.key)}/facts" class="stacked">${csrfField(ctx)}
  <label for="impacts">${t('facts.impacts')}</label><input id="impacts" name="impacts" value="${impacts}" maxlength="300">
  <label for="scope">${t('facts.scope')}</label>${choice('scope', SCOPES, incident.scope, t('facts.scopeUnknown'), (v) => t(`facts.scopes.${v}`))}
  <label for="phase">${t('facts.phase')}</label>${choice('phase', PHASES, incident.phase ?? 'investigating', t('facts.keep'), (v) => t(`facts.phases.${v}`))}
  <label for="dataSafety">${t('facts.dataSafety')}</label>${choice('dataSafety', DATA_SAFETY, incident.dataSafety ?? 'unknown', t('facts.keep'), (v) => t(`facts.safety.${v}`))}
  <label for="publicNote">${t('facts.publicNote')}</label><input id="publicNote" name="publicNote" value="${incident.publicNote?.texts[language] ?? ''}" maxlength="${PUBLIC_NOTE_MAX_WEIGHT}" aria-describedby="publicNote-help">
  <p class="note" id="publicNote-help">${t('facts.publicNoteHelp', { max: PUBLIC_NOTE_MAX_WEIGHT })}</p>
  ${incident.publicNote ? html`<label><input type="checkbox" name="clearNote"> ${t('facts.clearNote')}</label>` : ''}
  <button type="submit">${t('facts.save')}</button>
</form></section>`;
    },
  };
}
