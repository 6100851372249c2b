import { QUEUE_SOURCES } from './event.ts';
import { impactsOf, mergeImpacts, sameImpacts } from './impacts.ts';
import type { AlertEvent, AuditEntry, Incident } from './model.ts';
import { SEVERITY_RANK } from './rules.ts';

/**
 * A monitoring source speaks for the facts it set, as it speaks only for its own alerts when it
 * resolves (alert-rules.ts): another source may not change them unless the routes file says it
 * may (`sources: { generic: { mayChangeFactsOf: [grafana] } }`). Pure. People (the console, the
 * API, the CLI) change facts through facts-change.ts, never through here: they may change any.
 */

export const FACTS = ['severity', 'impacts', 'scope', 'phase', 'dataSafety'] as const;
export type Fact = (typeof FACTS)[number];

/** Which monitoring source set each fact of an incident (`Incident.factOwners`). */
export type FactOwners = Partial<Record<Fact, string>>;

/** From the routes file: the sources whose facts each source may change (source → owners). */
export type FactPermissions = Readonly<Record<string, readonly string[]>>;

const fromMonitoring = (source: string): boolean => (QUEUE_SOURCES as readonly string[]).includes(source);

const mayChange = (source: string, owner: string | undefined, permissions: FactPermissions | undefined): boolean =>
  owner === undefined || owner === source || (permissions?.[source]?.includes(owner) ?? false);

/**
 * The event without the changes its source may not make to an open incident's facts, and which
 * facts those were. A graver severity, another scope, phase or data safety, or other platforms for
 * an impact already known count as changes; an impact on a feature the incident does not have yet
 * is what this source sees itself, and is kept.
 */
export function ownFacts(current: Incident | null, event: AlertEvent, permissions: FactPermissions | undefined): { event: AlertEvent; refused: Fact[] } {
  if (!current || current.state !== 'open' || !fromMonitoring(event.source)) return { event, refused: [] };
  const owners = current.factOwners ?? {};
  const may = (fact: Fact) => mayChange(event.source, owners[fact], permissions);
  const refused: Fact[] = [];
  let next: AlertEvent = event;
  if (SEVERITY_RANK[event.severity] > SEVERITY_RANK[current.severity] && !may('severity')) {
    refused.push('severity');
    next = { ...next, severity: current.severity };
  }
  for (const fact of ['scope', 'phase', 'dataSafety'] as const) {
    if (next[fact] !== undefined && next[fact] !== current[fact] && !may(fact)) {
      refused.push(fact);
      next = { ...next, [fact]: undefined };
    }
  }
  if (next.impacts && !may('impacts')) {
    const known = impactsOf(current);
    const changes = (impact: (typeof known)[number]) => known.some((k) => k.feature === impact.feature) && !sameImpacts(mergeImpacts(known, [impact]), known);
    if (next.impacts.some(changes)) {
      refused.push('impacts');
      const kept = next.impacts.filter((i) => !changes(i));
      next = { ...next, impacts: kept.length > 0 ? kept : undefined };
    }
  }
  return { event: next, refused };
}

/** The journal's entry for facts refused: who said what, and who set it. */
export function refusedFactsEntry(current: Incident, event: AlertEvent, refused: readonly Fact[]): AuditEntry {
  const owners = current.factOwners ?? {};
  const named = refused.map((fact) => `${fact} (set by ${owners[fact]})`).join(', ');
  return {
    at: event.receivedAt,
    actor: 'herald',
    action: 'facts not applied',
    reason: `${event.source} would change ${named}; a source changes only the facts it set, unless the routes file lets it (sources.${event.source}.mayChangeFactsOf), or a person changes them`,
  };
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Records who owns each fact: the source that opens (or reopens) an incident owns all of them, the
 * ones it left at their defaults too ("investigating", scope unknown); on a record from before
 * owners were kept, the first source to set a fact.
 */
export function withOwners(before: Incident | null, after: Incident, source: string): Incident {
  if (!fromMonitoring(source) || after.state !== 'open') return after;
  const fresh = !before || before.state !== 'open';
  const owners: FactOwners = fresh ? {} : { ...(before.factOwners ?? {}) };
  for (const fact of FACTS) {
    if (owners[fact] !== undefined) continue;
    const value = fact === 'impacts' ? impactsOf(after) : after[fact];
    if (fresh || (value !== undefined && !same(value, fact === 'impacts' ? impactsOf(before) : before[fact]))) owners[fact] = source;
  }
  return same(owners, after.factOwners ?? {}) ? after : { ...after, factOwners: owners };
}
