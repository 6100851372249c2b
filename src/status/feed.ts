/** The status page as an Atom feed: one entry per posted tweet, outages and maintenance alike, newest first. Pure. */
import { Feed } from 'feed';
import type { Translator } from '../console/i18n.ts';
import type { ThreadTweet } from '../journal/journal.ts';
import { escapeHtml } from './page.ts';
import type { StatusView } from './view.ts';
import { maintenanceFeedItems } from '../maintenance/public.ts';

const MAX_ENTRIES = 50;

export interface FeedOptions {
  pageUrl: string;
  feedUrl: string;
  tr: Translator;
  timezone: string;
  /** The feed's `updated` when nothing was ever posted: when herald started, so the ETag stays put. */
  emptySince: number;
}

export function renderAtom(view: StatusView, options: FeedOptions): string {
  const { tr } = options;
  const maintenance = maintenanceFeedItems(view.maintenance, options);
  const entries: { anchor: string; tweet: ThreadTweet }[] = [
    ...[...view.current, ...view.recent].flatMap((incident) => incident.tweets.map((tweet) => ({ anchor: `t-${incident.id}`, tweet }))),
    ...maintenance.tweets,
  ]
    .sort((a, b) => Date.parse(b.tweet.postedAt) - Date.parse(a.tweet.postedAt))
    .slice(0, MAX_ENTRIES);
  const latest = [view.updatedAt, entries[0]?.tweet.postedAt].filter((t): t is string => t !== undefined).sort().at(-1);
  const feed = new Feed({
    id: options.pageUrl,
    title: tr.t('status.title'),
    link: options.pageUrl,
    language: tr.locale,
    feedLinks: { atom: options.feedUrl },
    copyright: '',
    generator: 'herald',
    updated: latest ? new Date(latest) : new Date(options.emptySince),
  });
  for (const { anchor, tweet } of entries) {
    const firstLine = tweet.text.split('\n')[0]!;
    feed.addItem({
      id: `${options.pageUrl}#t-${tweet.id}`,
      // The library marks title and content as HTML: escape the tweet so it reads as written.
      title: escapeHtml(firstLine.length > 80 ? `${firstLine.slice(0, 79)}…` : firstLine),
      link: tweet.url ?? `${options.pageUrl}#${anchor}`,
      content: escapeHtml(tweet.text).replaceAll('\n', '<br>'),
      date: new Date(tweet.postedAt),
    });
  }
  for (const item of maintenance.coming) feed.addItem(item);
  return feed.atom1();
}
