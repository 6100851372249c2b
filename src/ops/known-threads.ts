import { accountsIn, projection, type AccountId } from '../incidents/accounts.ts';
import type { Incident } from '../incidents/model.ts';
import { threadRoot } from '../incidents/rules.ts';
import type { LostIncident } from '../publish/account-state.ts';

type Roots = Map<AccountId, { tweetId: string | null; cid?: string }>;

/**
 * What this process knows of each account's thread of every active incident, kept outside Redis so
 * that, when Redis forgets, a person is told each account's own live root per incident. The epoch
 * watch refreshes it every few seconds, and the delivery worker notes every post it records at
 * once, so an incident announced a second before the loss is listed with its root (a list that
 * was up to 5 s old made herald post a second root for it).
 */
export class KnownThreads {
  private readonly incidents = new Map<string, { roots: Roots; notedAt: number }>();
  private clock = 0;

  /** A point in this process's order of notes: what `replace` read after it does not undo later notes. */
  now(): number {
    return ++this.clock;
  }

  /** The incident as it is now (a post of it was just recorded). */
  note(incident: Incident): void {
    this.incidents.set(incident.key, { roots: rootsOf(incident), notedAt: this.now() });
  }

  /**
   * The active incidents as read from Redis (a read that began at `startedAt`): those noted since
   * the read began are kept as noted, the rest is what the read says.
   */
  replace(incidents: readonly Incident[], startedAt: number): void {
    const fresh = new Map(incidents.map((incident) => [incident.key, { roots: rootsOf(incident), notedAt: startedAt }]));
    for (const [key, known] of this.incidents) if (known.notedAt > startedAt) fresh.set(key, known);
    this.incidents.clear();
    for (const [key, known] of fresh) this.incidents.set(key, known);
  }

  /** After a loss has been reported: what Redis holds from now on is new. */
  forget(): void {
    this.incidents.clear();
  }

  /** The incidents `account` has a thread of (or planned one for), each with that account's own root. */
  lostFor(account: AccountId): LostIncident[] {
    return [...this.incidents].flatMap(([key, { roots }]) => {
      const root = roots.get(account);
      if (!root) return [];
      return [{ key, rootTweetId: root.tweetId, ...(root.cid && { rootCid: root.cid }) }];
    });
  }
}

/** Each account's root of the incident: the latest root posted in that account's own thread. */
function rootsOf(incident: Incident): Roots {
  const roots: Roots = new Map();
  for (const account of accountsIn(incident)) {
    const root = threadRoot(projection(incident, account));
    roots.set(account, { tweetId: root?.tweetId ?? null, ...(root?.tweetCid && { cid: root.tweetCid }) });
  }
  return roots;
}
