import type { Composer } from '../incidents/delivery-rules.ts';
import { threadRoot } from '../incidents/rules.ts';
import { loadCatalog } from './catalog.ts';
import { composeNotice, composeTweet, type AudienceSettings } from './compose.ts';
import type { TextLimit } from './network-length.ts';

/**
 * Binds the message catalog and the audience's locale and zone to the delivery worker's needs.
 * `limit` is the account's network's (read at each post: a Mastodon instance's limit is learnt
 * after start); X's by default.
 */
export function incidentComposer(config: AudienceSettings, limit?: () => TextLimit): Composer {
  const catalog = loadCatalog(config.messagesDir, config.locale);
  const base = { locale: config.locale, timezone: config.timezone, statusUrl: config.statusUrl };
  return (incident, post) => {
    const options = limit ? { ...base, limit: limit() } : base;
    if (post.notice) {
      // Several notices of one kind (two reminders) start from different variants, so X never sees the same text twice.
      const nth = Number(/-(\d+)$/.exec(post.id)?.[1] ?? 1) - 1;
      const { kind, startsAt, endsAt } = post.notice;
      const tweet = composeNotice(catalog, { kind: `maintenance-${kind}`, key: incident.key, service: incident.service, startsAt, endsAt, variantOffset: (post.variantOffset ?? 0) + nth }, options);
      return { text: tweet.text, variant: tweet.variant };
    }
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
