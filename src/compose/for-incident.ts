import type { Config } from '../config.ts';
import type { Composer } from '../incidents/delivery-rules.ts';
import { threadRoot } from '../incidents/rules.ts';
import { loadCatalog } from './catalog.ts';
import { composeTweet } from './compose.ts';

/** Binds the message catalog and the audience's locale and zone to the delivery worker's needs. */
export function incidentComposer(config: Pick<Config, 'messagesDir' | 'locale' | 'timezone' | 'statusUrl'>): Composer {
  const catalog = loadCatalog(config.messagesDir, config.locale);
  const options = { locale: config.locale, timezone: config.timezone, statusUrl: config.statusUrl };
  return (incident, post) => {
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
        // X would not thread it: say which tweet it follows up.
        ...(post.root === true && post.kind !== 'open' && { standalone: true, firstPostAt: threadRoot(incident)?.postedAt }),
      },
      options,
    );
    return { text: tweet.text, variant: tweet.variant };
  };
}
