import type { IncomingEvent } from './model.ts';

/**
 * The flood cap: how many new public incidents one monitoring source may open in a minute
 * (HERALD_FLOOD_NEW_INCIDENTS_PER_MINUTE). Pure: the counts come in from Redis
 * (adapters/flood-gate.ts), the decision goes out as plain data. docs/security.md#floods says why.
 */

/** What the source asked for in the current fixed minute before this payload, and in the minute before. */
export interface FloodWindow {
  before: number;
  previous: number;
}

export interface FloodDecision {
  /** New incidents of this payload that may open, in the order they came. */
  admitted: number;
  /** New incidents of this payload kept from the public. */
  held: number;
  /** The source is over its cap (this minute, or the last): incidents it opens now may not use the budget's reserve. */
  flood: boolean;
  /** This payload is the first of its minute to go over the cap: the one that says so in the log. */
  firstHold: boolean;
}

/** Decides on `fresh` new incidents, given the window's counts so far. */
export function floodDecision(fresh: number, window: FloodWindow, cap: number): FloodDecision {
  const admitted = Math.max(0, Math.min(fresh, cap - window.before));
  const held = fresh - admitted;
  return { admitted, held, flood: window.before + fresh > cap || window.previous > cap, firstHold: held > 0 && window.before <= cap };
}

/**
 * Keys the events may open a public incident under, each once, in the order they first come: those
 * of events that are not resolutions. Those whose incident is already active are not new (Redis
 * says which, in the same step that counts them).
 */
export function openingKeys(events: readonly IncomingEvent[]): string[] {
  return [...new Set(events.filter((e) => e.status !== 'resolved').map((e) => e.key))];
}

/** Which keys of a payload are kept from the public, and which open their incident in a flood. */
export interface FloodVerdict {
  held: ReadonlySet<string>;
  flood: ReadonlySet<string>;
}

export const NO_FLOOD: FloodVerdict = { held: new Set(), flood: new Set() };

/** `fresh`: the payload's new keys in order; the first `admitted` go on, the rest are held. */
export function floodVerdict(fresh: readonly string[], decision: FloodDecision): FloodVerdict {
  return { held: new Set(fresh.slice(decision.admitted)), flood: new Set(decision.flood ? fresh.slice(0, decision.admitted) : []) };
}

/**
 * The payload after the verdict, with each event's job id beside it: events of held keys are kept
 * from the public (all of them, a resolution too: there is no incident for it to end); the rest go
 * on, marked when they open their incident in a flood.
 */
export function gateEvents(events: readonly IncomingEvent[], ids: readonly string[], verdict: FloodVerdict): { events: IncomingEvent[]; ids: string[]; held: IncomingEvent[] } {
  const kept: IncomingEvent[] = [];
  const keptIds: string[] = [];
  const held: IncomingEvent[] = [];
  events.forEach((e, i) => {
    if (verdict.held.has(e.key)) return void held.push(e);
    kept.push(verdict.flood.has(e.key) ? { ...e, flood: true } : e);
    keptIds.push(ids[i]!);
  });
  return { events: kept, ids: keptIds, held };
}

/** New incidents held in the minutes whose counts of asked-for incidents these are. */
export const heldBeyond = (counts: readonly number[], cap: number): number => counts.reduce((sum, asked) => sum + Math.max(0, asked - cap), 0);
