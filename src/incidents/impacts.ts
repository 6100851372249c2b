import { z } from 'zod';
import { DATA_SAFETY, FEATURES, PHASES, PLATFORMS, SCOPES, type AlertEvent, type Impact, type Incident, type IncidentFacts, type Platform } from './model.ts';

/**
 * What an incident tells followers beyond its feature: impacts (what, and on which platforms),
 * scope, phase and data safety. Pure. Events, the API and the console all set these through the
 * same schemas, so a bad value is refused with the same words wherever it comes from.
 */

export const impactSchema = z
  .object({
    feature: z.enum(FEATURES),
    platforms: z
      .array(z.enum(PLATFORMS))
      .max(PLATFORMS.length)
      .refine((p) => new Set(p).size === p.length, 'a platform is named twice')
      .optional(),
  })
  .strict();

/** The fields the generic webhook, the API and the CLI accept; each one optional. */
export const factsShape = {
  impacts: z.array(impactSchema).min(1, 'name at least one impact, or leave impacts out').max(FEATURES.length * 2).optional(),
  scope: z.enum(SCOPES).optional(),
  phase: z.enum(PHASES).optional(),
  dataSafety: z.enum(DATA_SAFETY).optional(),
};

const samePlatforms = (a: Impact, b: Impact): boolean => [...(a.platforms ?? [])].sort().join() === [...(b.platforms ?? [])].sort().join();

/** Platforms in a stable order (PLATFORMS'), duplicates dropped; none, or all of them, means everywhere. */
function cleanPlatforms(platforms: readonly Platform[] | undefined): Platform[] | undefined {
  const set = new Set(platforms ?? []);
  const ordered = PLATFORMS.filter((p) => set.has(p));
  return ordered.length > 0 && ordered.length < PLATFORMS.length ? ordered : undefined;
}

/**
 * The impacts of an incident or event: its `impacts`, or `feature` alone when it has none (records
 * and senders from before impacts existed).
 */
export function impactsOf(subject: Pick<Incident | AlertEvent, 'feature'> & { impacts?: Impact[] }): Impact[] {
  const impacts = subject.impacts && subject.impacts.length > 0 ? subject.impacts : [{ feature: subject.feature }];
  return impacts.map((i) => ({ feature: i.feature, ...(cleanPlatforms(i.platforms) && { platforms: cleanPlatforms(i.platforms) }) }));
}

/**
 * Adds `more` to `current`: one impact per feature. A feature seen everywhere stays everywhere; two
 * platform lists of one feature join. Order is kept, so the first impact stays the main one.
 */
export function mergeImpacts(current: readonly Impact[], more: readonly Impact[]): Impact[] {
  const merged: Impact[] = current.map((i) => ({ ...i }));
  for (const impact of more) {
    const same = merged.find((m) => m.feature === impact.feature);
    if (!same) merged.push({ ...impact });
    else if (!same.platforms || !impact.platforms) delete same.platforms;
    else same.platforms = cleanPlatforms([...same.platforms, ...impact.platforms]);
  }
  return merged;
}

export const sameImpacts = (a: readonly Impact[], b: readonly Impact[]): boolean =>
  a.length === b.length && a.every((x, i) => x.feature === b[i]!.feature && samePlatforms(x, b[i]!));

/**
 * The incident once an event's facts are applied: impacts join, scope/phase/dataSafety are taken
 * when the event names them. `news` says whether followers should hear of it now (impacts, scope or
 * phase changed); data safety only matters to the resolution, which reads it then.
 */
export function applyFacts(incident: Incident, facts: IncidentFacts & Pick<AlertEvent, 'feature'>, options: { replaceImpacts?: boolean } = {}): { incident: Incident; news: boolean } {
  const before = impactsOf(incident);
  // An event naming only its feature says nothing about platforms: it adds the feature when it is
  // new to the incident and never widens an impact already known ("iPhone only" stays so).
  const known = incident.impacts && incident.impacts.length > 0;
  const bare = known && before.some((i) => i.feature === facts.feature) ? [] : impactsOf({ feature: facts.feature });
  const given = facts.impacts ? impactsOf({ feature: facts.feature, impacts: facts.impacts }) : options.replaceImpacts ? undefined : bare;
  // Without impacts yet (a new incident, or a record from before impacts) the feature alone stood
  // for "everywhere" only by default: the event's impacts replace it, other features stay first.
  const unknownYet = (g: Impact[]) => [...before.filter((b) => !g.some((x) => x.feature === b.feature)), ...g];
  const impacts = given === undefined ? before : options.replaceImpacts ? given : known ? mergeImpacts(before, given) : unknownYet(given);
  const next: Incident = {
    ...incident,
    feature: impacts[0]!.feature,
    impacts,
    ...(facts.scope !== undefined && { scope: facts.scope }),
    ...(facts.phase !== undefined && { phase: facts.phase }),
    ...(facts.dataSafety !== undefined && { dataSafety: facts.dataSafety }),
  };
  const news = !sameImpacts(before, impacts) || next.scope !== incident.scope || (next.phase ?? 'investigating') !== (incident.phase ?? 'investigating');
  return { incident: next, news };
}

/** The facts an event carries, for copying into a queue job or an id. */
export function eventFacts(event: AlertEvent): IncidentFacts {
  return { impacts: event.impacts, scope: event.scope, phase: event.phase, dataSafety: event.dataSafety };
}
