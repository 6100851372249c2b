import type { Composer } from '../incidents/delivery-rules.ts';
import { threadRoot } from '../incidents/rules.ts';
import { loadCatalog } from './catalog.ts';
import { composeTweet, type AudienceSettings } from './compose.ts';

/** Binds the message catalog and the audience's locale and zone to the delivery worker's needs. */
export function incidentComposer(config: AudienceSettings): Composer {
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
        openedAt: incident.openedAt,
        resolvedAt: incident.resolvedAt,
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
