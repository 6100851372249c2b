import type { Config } from '../config.ts';
import type { Composer } from '../incidents/delivery-rules.ts';
import { threadRoot } from '../incidents/rules.ts';
import type { Incident } from '../incidents/model.ts';
import { loadCatalog } from './catalog.ts';
import { composeTweet } from './compose.ts';

/** Binds the message catalog and the audience's locale and zone to the delivery worker's needs. */
export function incidentComposer(config: Pick<Config, 'messagesDir' | 'locale' | 'timezone' | 'statusUrl'>): Composer {
  const catalog = loadCatalog(config.messagesDir, config.locale);
  const options = { locale: config.locale, timezone: config.timezone, statusUrl: config.statusUrl };
  return (incident, post) => {
    // X would not thread it: say which tweet it follows up. With nothing said before (a resolution
    // nobody approved the announcement of), the plain wording stands on its own.
    const firstPostAt = post.root === true && post.kind !== 'open' ? threadRoot(incident)?.postedAt : undefined;
    const tweet = composeTweet(
      catalog,
      {
        kind: post.kind,
        incidentKey: incident.key,
        service: incident.service,
        feature: incident.feature,
        severity: incident.severity,
        ...statedTimes(incident),
        nextUpdateAt: post.nextUpdateAt,
        variantOffset: post.variantOffset ?? 0,
        postId: post.id,
        ...(firstPostAt !== undefined && { standalone: true, firstPostAt }),
      },
      options,
    );
    return { text: tweet.text, variant: tweet.variant };
  };
}

/** How far monitoring's times may run ahead of herald's own before the tweet uses herald's. */
const AHEAD_MS = 10 * 60_000;

/**
 * The times a tweet states. Monitoring's own, unless they lie after herald heard of them (a
 * clock ahead, an event stored before ingest bounded times): then herald's arrival times, so no
 * tweet says "since" a time to come or a duration the incident did not have.
 */
export function statedTimes(incident: Pick<Incident, 'openedAt' | 'resolvedAt' | 'firstSeenAt' | 'resolvedSeenAt'>): { openedAt: string; resolvedAt?: string } {
  const ahead = (at: string, seen: string | undefined) => seen !== undefined && Date.parse(at) > Date.parse(seen) + AHEAD_MS;
  const openedAt = ahead(incident.openedAt, incident.firstSeenAt) ? incident.firstSeenAt : incident.openedAt;
  if (incident.resolvedAt === undefined) return { openedAt };
  const resolvedAt = ahead(incident.resolvedAt, incident.resolvedSeenAt) ? incident.resolvedSeenAt! : incident.resolvedAt;
  // A resolution stamped before the open (two monitors' clocks) lasted as long as herald saw it.
  if (Date.parse(resolvedAt) < Date.parse(openedAt) && incident.resolvedSeenAt) return { openedAt: incident.firstSeenAt, resolvedAt: incident.resolvedSeenAt };
  return { openedAt, resolvedAt };
}
