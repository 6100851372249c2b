import { applyFacts, impactsOf } from './impacts.ts';
import type { AlertEvent, Incident } from './model.ts';
import { describeNote, withPublicNote, type PersonFacts } from './public-note.ts';
import { applyEvent, type Applied } from './rules.ts';

/**
 * A person sets or corrects what followers are told (impacts, scope, phase, data safety, the public
 * note) while an incident runs, from the API, the CLI or the console. Pure. The impacts given
 * replace the incident's (a correction, not another alert); every change is kept in the incident's
 * audit, so the journal shows who changed what. On an open incident that was announced, news (a new
 * phase, another impact, a new note) schedules a follow-up that says what changed, as an event
 * would. A note given as plain text is in `language` (herald's, HERALD_LOCALE).
 */
export function changeFacts(current: Incident, facts: PersonFacts, actor: string, nowIso: string, language = 'ko'): Applied & { changedFields: string[] } {
  const { publicNote, ...given } = Object.fromEntries(Object.entries(facts).filter(([, v]) => v !== undefined)) as PersonFacts;
  const before = summary(current);
  // A correction replaces the impacts (it is no other alert joining).
  const corrected = applyFacts(publicNote === undefined ? current : withPublicNote(current, publicNote, language, actor, nowIso), { feature: current.feature, ...given }, { replaceImpacts: true });
  // A note set or changed is news; one removed is not (followers are not told "no cause any more").
  const noted = corrected.incident.publicNote !== undefined && corrected.incident.publicNote !== current.publicNote;
  let applied: Applied = { incident: corrected.incident, changed: true, scheduled: [], cancelled: [] };
  if (current.state === 'open') {
    // The same rules as a monitoring event: news (impacts, scope, phase, the note) plans a
    // follow-up once the incident was announced; data safety alone waits for the resolution.
    const { impacts: _impacts, ...rest } = given;
    const event: AlertEvent = { key: current.key, status: corrected.news || noted ? 'update' : 'open', service: current.service, feature: corrected.incident.feature, severity: current.severity, at: nowIso, source: 'by-hand', receivedAt: nowIso, ...rest, impacts: corrected.incident.impacts };
    applied = applyEvent(corrected.incident, event, { graceMs: 0, reopenWindowMs: 0 });
  }
  const after = summary(applied.incident);
  const changedFields = Object.keys(after).filter((k) => after[k] !== before[k]);
  if (changedFields.length === 0) return { incident: current, changed: false, scheduled: [], cancelled: [], changedFields };
  const entry = { at: nowIso, actor, action: 'facts-changed', before: describe(before, changedFields), after: describe(after, changedFields) };
  return { ...applied, incident: { ...applied.incident, events: current.events, audit: [...(current.audit ?? []), entry] }, changed: true, changedFields };
}

/** The facts as short words, for the audit and the journal: `impacts messaging, login(pc)`. */
function summary(incident: Incident): Record<string, string> {
  return {
    impacts: impactsOf(incident).map((i) => (i.platforms ? `${i.feature}(${i.platforms.join('/')})` : i.feature)).join(', '),
    scope: incident.scope ?? 'unknown',
    phase: incident.phase ?? 'investigating',
    dataSafety: incident.dataSafety ?? 'unknown',
    publicNote: describeNote(incident.publicNote),
  };
}

const describe = (facts: Record<string, string>, fields: string[]): string => fields.map((f) => `${f} ${facts[f]}`).join('; ');
