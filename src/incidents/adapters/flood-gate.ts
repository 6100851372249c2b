import type { Logger } from 'pino';
import type { RedisClient } from '../../redis/connect.ts';
import { QUEUE_SOURCES, type QueueSource } from '../event.ts';
import { floodDecision, floodVerdict, heldBeyond, NO_FLOOD, openingKeys, type FloodVerdict } from '../flood-rules.ts';
import type { Incident, IncomingEvent } from '../model.ts';
import type { UnroutedAlert } from '../routing.ts';
import { activeIncidentsKey } from './redis-store.ts';

/*
 * The flood cap's counts, kept in Redis so every API replica shares them, per source and fixed
 * minute: the keys admitted (a set, at most the cap) and how many more were asked for (a counter).
 * A key counts once: a monitoring system re-sending the same open (Alertmanager's repeats, a retry
 * after a 503) before the incident worker made it active is not a second new incident. Which keys
 * are new and how many the source asked for are read and counted in one script; what to do about
 * them is flood-rules.ts's decision.
 */

// KEYS: the active incidents set; this minute's admitted set and overflow counter; the last minute's.
// ARGV[1]: lifetime in ms; ARGV[2]: the cap; ARGV[3..]: keys that may open an incident.
// Returns {asked this minute before these, asked last minute, then 1 (known) or 0 (new) per key}.
const COUNT_SCRIPT = `
local function asked(set, over) return redis.call('SCARD', set) + tonumber(redis.call('GET', over) or '0') end
local before = asked(KEYS[2], KEYS[3])
local result = {before, asked(KEYS[4], KEYS[5])}
local cap = tonumber(ARGV[2])
local count = before
for i = 3, #ARGV do
  local key = ARGV[i]
  if redis.call('SISMEMBER', KEYS[1], key) == 1 or redis.call('SISMEMBER', KEYS[2], key) == 1 or redis.call('SISMEMBER', KEYS[4], key) == 1 then
    result[#result + 1] = 1
  else
    result[#result + 1] = 0
    if count < cap then redis.call('SADD', KEYS[2], key) else redis.call('INCR', KEYS[3]) end
    count = count + 1
  end
end
if count > before then
  redis.call('PEXPIRE', KEYS[2], ARGV[1])
  redis.call('PEXPIRE', KEYS[3], ARGV[1])
end
return result
`;

type CountCommand = (...args: string[]) => Promise<number[]>;

const MINUTE_MS = 60_000;
/** A minute's count is kept this long: a post held by the grace period or the budget still finds it when it goes. */
const COUNTS_KEPT_MS = 3 * 3600_000;

export interface FloodGateOptions {
  /** New public incidents one source may open per minute (HERALD_FLOOD_NEW_INCIDENTS_PER_MINUTE). */
  cap: number;
  logger: Logger;
  /** Told of every incident kept from the public (the metric, staff notices). Never throws. */
  onHeld?: (source: string, held: number) => void;
}

export class RedisFloodGate {
  private readonly run: CountCommand;

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly options: FloodGateOptions,
  ) {
    if (!('heraldFloodCount' in redis)) redis.defineCommand('heraldFloodCount', { numberOfKeys: 5, lua: COUNT_SCRIPT });
    this.run = (redis as unknown as { heraldFloodCount: CountCommand }).heraldFloodCount.bind(redis);
  }

  /** A source's minute: the keys it was let open, and how many more it asked for. */
  private minuteKeys(source: string, minute: number): [admitted: string, overflow: string] {
    const base = `${this.prefix}:flood:${source}:${minute}`;
    return [`${base}:admitted`, `${base}:over`];
  }

  /** How many new incidents each (source, minute) asked for, in the order given. */
  private async askedIn(minutes: ReadonlyArray<[source: string, minute: number]>): Promise<number[]> {
    const pipeline = this.redis.pipeline();
    for (const [source, minute] of minutes) {
      const [admitted, overflow] = this.minuteKeys(source, minute);
      pipeline.scard(admitted).get(overflow);
    }
    const replies = (await pipeline.exec()) ?? [];
    return minutes.map((_, i) => Number(replies[2 * i]?.[1] ?? 0) + Number(replies[2 * i + 1]?.[1] ?? 0));
  }

  /**
   * Whether a monitoring source of the incident went over the cap in the minute herald first heard
   * of it, or the minute before: found when its posts go, so the incidents a flood opened before
   * it crossed the cap leave the budget's reserve too (publish/delivery-worker.ts).
   */
  async openedInFlood(incident: Pick<Incident, 'sources' | 'firstSeenAt' | 'flood'>): Promise<boolean> {
    if (incident.flood) return true;
    const sources = (incident.sources ?? []).filter((s): s is QueueSource => (QUEUE_SOURCES as readonly string[]).includes(s));
    if (sources.length === 0) return false;
    const minute = Math.floor(Date.parse(incident.firstSeenAt) / MINUTE_MS);
    const counts = await this.askedIn(sources.flatMap((source): Array<[string, number]> => [[source, minute], [source, minute - 1]]));
    return sources.some((_, i) => heldBeyond(counts.slice(2 * i, 2 * i + 2), this.options.cap) > 0);
  }

  /** The sources whose new incidents the cap held in this minute or the last, and how many. */
  async recent(nowMs: number): Promise<{ source: string; held: number }[]> {
    const minute = Math.floor(nowMs / MINUTE_MS);
    const counts = await this.askedIn(QUEUE_SOURCES.flatMap((source): Array<[string, number]> => [[source, minute], [source, minute - 1]]));
    return QUEUE_SOURCES.map((source, i) => ({ source, held: heldBeyond(counts.slice(2 * i, 2 * i + 2), this.options.cap) })).filter((f) => f.held > 0);
  }

  /** Which keys of the payload are kept from the public or open in a flood, and the alerts held, as their record shows them. */
  async admit(source: string, events: readonly IncomingEvent[], nowMs: number): Promise<{ verdict: FloodVerdict; held: UnroutedAlert[] }> {
    const candidates = openingKeys(events);
    if (candidates.length === 0) return { verdict: NO_FLOOD, held: [] };
    const minute = Math.floor(nowMs / MINUTE_MS);
    const [before, previous, ...active] = await this.run(
      activeIncidentsKey(this.prefix),
      ...this.minuteKeys(source, minute),
      ...this.minuteKeys(source, minute - 1),
      String(COUNTS_KEPT_MS),
      String(this.options.cap),
      ...candidates,
    );
    const fresh = candidates.filter((_, i) => active[i] === 0);
    const { cap } = this.options;
    const decision = floodDecision(fresh.length, { before: before!, previous: previous! }, cap);
    const verdict = floodVerdict(fresh, decision);
    if (decision.held === 0) return { verdict, held: [] };
    if (decision.firstHold) {
      // Once a minute per source, whichever replica crosses the cap: the count goes on in the metric.
      this.options.logger.warn(
        { source, cap, held: decision.held, heldLastMinute: Math.max(0, previous! - cap) },
        `FLOOD: ${source} asked for more than ${cap} new public incidents this minute (HERALD_FLOOD_NEW_INCIDENTS_PER_MINUTE); the rest are kept from the public (GET /api/alerts/unrouted, herald_flood_held_total)`,
      );
    }
    this.options.onHeld?.(source, decision.held);
    const reason = `more than ${cap} new public incidents from ${source} in a minute (HERALD_FLOOD_NEW_INCIDENTS_PER_MINUTE): kept from the public`;
    return { verdict, held: events.filter((e) => verdict.held.has(e.key)).map((e) => heldAlert(e, reason)) };
  }
}

/**
 * An event kept from the public as the record of such alerts shows it: what it would have said,
 * never more (a key-only resolve or update names only its incident). Also apply.ts's, for events
 * that name too little for an incident herald does not know.
 */
export function heldAlert(e: IncomingEvent, reason: string): UnroutedAlert {
  const { service, feature, severity } = e;
  return {
    source: e.source,
    alertId: e.alertId ?? `${e.source}:${e.key}`,
    status: e.status === 'resolved' ? 'resolved' : 'firing',
    at: e.at,
    receivedAt: e.receivedAt,
    labels: { incident: e.key, ...(service !== undefined && { service }), ...(feature !== undefined && { feature }), ...(severity !== undefined && { severity }) },
    reason,
  };
}
