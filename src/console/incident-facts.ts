/**
 * The incident page's facts form and preview: comms staff set or correct impacts, scope, phase and
 * data safety while the incident runs (each change in the audit and the journal), and read what
 * herald would post next. The same rules as PATCH /api/incidents/:key.
 */
import type { Config } from '../config.ts';
import { loadCatalog } from '../compose/catalog.ts';
import { runningPreview } from '../compose/running-preview.ts';
import { parseImpacts } from '../incidents/adapters/incident-cli.ts';
import { factsPatchSchema } from '../incidents/adapters/facts-api.ts';
import { deliveryPriority } from '../incidents/delivery-priority.ts';
import { changeFacts } from '../incidents/facts-change.ts';
import { impactsOf } from '../incidents/impacts.ts';
import { DATA_SAFETY, PHASES, SCOPES, type Incident } from '../incidents/model.ts';
import type { IncidentStore } from '../incidents/store.ts';
import { invalidPayload } from '../ingest/validation.ts';
import { deliveryJobFor, scheduleDelivery, type Queues } from '../queues.ts';
import { html, type Html } from './html.ts';
import { csrfField, type ViewContext } from './views/layout.ts';

export interface IncidentFacts {
  preview(incident: Incident, nowMs: number): Html;
  change(actor: string, key: string, form: Record<string, string | undefined>): Promise<void>;
  form(incident: Incident, ctx: ViewContext): Html;
}

const blank = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());
const choice = (name: string, values: readonly string[], selected: string | undefined, unset: string) =>
  html`<select id="${name}" name="${name}"><option value="">${unset}</option>${values.map((v) => html`<option${v === selected ? html` selected` : ''}>${v}</option>`)}</select>`;

export function incidentFacts(config: Readonly<Config>, store: IncidentStore, queues: Pick<Queues, 'posts'>): IncidentFacts {
  const catalog = loadCatalog(config.messagesDir, config.locale);
  const options = { locale: config.locale, timezone: config.timezone, statusUrl: config.statusUrl };
  return {
    preview(incident, nowMs) {
      let tweets;
      try {
        tweets = runningPreview(catalog, options, incident, nowMs, config.followUpMs);
      } catch (err) {
        return html`<p class="note">No preview: ${(err as Error).message}</p>`;
      }
      return html`<section class="preview"><h2>What followers read</h2><p class="lede">The thread so far, the next follow-up and the resolution as herald would write them now (read only).</p>
<ol class="thread">${tweets.map((t) => html`<li><div class="meta">${t.status} · ${t.kind} · ${t.weightedLength}/280</div><p class="text">${t.text}</p></li>`)}</ol></section>`;
    },
    async change(actor, key, form) {
      const body = {
        ...(blank(form.phase) && { phase: blank(form.phase) }),
        ...(blank(form.scope) && { scope: blank(form.scope) }),
        ...(blank(form.dataSafety) && { dataSafety: blank(form.dataSafety) }),
        ...(blank(form.impacts) && { impacts: parseImpacts(form.impacts!) }),
      };
      const parsed = factsPatchSchema.safeParse(body);
      if (!parsed.success) throw invalidPayload(parsed.error, 'the form');
      const now = new Date().toISOString();
      const result = await store.update(key, (current) => {
        if (!current) return { next: null, result: null };
        const changed = changeFacts(current, parsed.data, actor, now);
        return { next: changed.changed ? changed.incident : null, result: changed };
      });
      for (const post of result?.scheduled ?? []) {
        await scheduleDelivery(queues.posts, deliveryJobFor(key, post), post.dueAt, { priority: deliveryPriority(result!.incident, post) });
      }
    },
    form(incident, ctx) {
      const impacts = impactsOf(incident).map((i) => (i.platforms ? `${i.feature}:${i.platforms.join('+')}` : i.feature)).join(', ');
      return html`<section class="facts-form"><h2>What followers are told</h2>
<form method="post" action="/console/incidents/${encodeURIComponent(incident.key)}/facts" class="stacked">${csrfField(ctx)}
  <label for="impacts">Impacts (feature:platform+platform, comma between)</label><input id="impacts" name="impacts" value="${impacts}" maxlength="300">
  <label for="scope">Who is affected</label>${choice('scope', SCOPES, incident.scope, 'unknown (say nothing)')}
  <label for="phase">Phase</label>${choice('phase', PHASES, incident.phase ?? 'investigating', '(keep)')}
  <label for="dataSafety">Anything lost?</label>${choice('dataSafety', DATA_SAFETY, incident.dataSafety ?? 'unknown', '(keep)')}
  <button type="submit">Save (a new phase or impact posts a follow-up)</button>
</form></section>`;
    },
  };
}
