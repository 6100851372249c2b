/**
 * What the public may see of incidents: only the tweets herald posted, in thread order, with their
 * times and links. Never the incident key, the service name as monitoring sent it, or any other
 * alert field: those are raw data, the tweets went through the templates. Pure.
 */
import { statedTimes } from '../compose/for-incident.ts';
import type { AccountId } from '../incidents/accounts.ts';
import type { Feature, Incident, Phase, Severity } from '../incidents/model.ts';
import { postedTweets, type ThreadTweet, type TweetLink } from '../journal/journal.ts';
import { publicWindows, type PublicWindow } from '../maintenance/public.ts';

export interface PublicIncident {
  /** Anchor on the page and id in the feed: the first tweet's id, never the incident key. */
  id: string;
  ongoing: boolean;
  tweets: ThreadTweet[];
  /** The latest tweet's time. */
  updatedAt: string;
  /** When the outage began and ended, as its tweets say them (compose/for-incident.ts). */
  startedAt: string;
  endedAt?: string;
  /** What people could not do, as the tweets say it; for the JSON summary's components. */
  features: Feature[];
  severity: Severity;
  /** Where the work stands, as the latest tweets say it (absent: still investigating). */
  phase?: Phase;
}

export interface StatusView {
  current: PublicIncident[];
  recent: PublicIncident[];
  /** The latest tweet's time across the page; absent when nothing was ever posted. */
  updatedAt?: string;
  /** Scheduled maintenance windows (maintenance/public.ts); their threads are not outages. */
  maintenance: PublicWindow[];
}

export const RECENT_DAYS = 14;
const MAX_RECENT = 20;

/** The page of one account: only its own tweets. */
export function statusView(incidents: readonly Incident[], nowMs: number, link: TweetLink, account: AccountId): StatusView {
  const shown = incidents.flatMap((incident): PublicIncident[] => {
    if (incident.topic === 'maintenance') return [];
    const tweets = postedTweets(incident, link, { account });
    if (tweets.length === 0) return []; // nothing was said publicly, so nothing is shown
    const stated = statedTimes(incident);
    const ongoing = incident.state === 'open';
    const features = [...new Set((incident.impacts ?? [{ feature: incident.feature }]).map((i) => i.feature))];
    return [
      {
        id: tweets[0]!.id,
        ongoing,
        tweets,
        updatedAt: tweets.at(-1)!.postedAt,
        startedAt: stated.openedAt,
        ...(!ongoing && stated.resolvedAt && { endedAt: stated.resolvedAt }),
        features,
        severity: incident.severity,
        ...(incident.phase && { phase: incident.phase }),
      },
    ];
  });
  const newestFirst = (a: PublicIncident, b: PublicIncident) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt);
  const since = nowMs - RECENT_DAYS * 24 * 3600_000;
  const current = shown.filter((i) => i.ongoing).sort(newestFirst);
  const recent = shown.filter((i) => !i.ongoing && Date.parse(i.updatedAt) >= since).sort(newestFirst).slice(0, MAX_RECENT);
  const updatedAt = [...current, ...recent].map((i) => i.updatedAt).sort().at(-1);
  return { current, recent, ...(updatedAt && { updatedAt }), maintenance: publicWindows(incidents, nowMs, link, account) };
}
