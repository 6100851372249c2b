/** The status page as an Atom feed: one entry per posted tweet, newest first. Pure. */
import { Feed } from 'feed';
import type { StatusLabels } from './labels.ts';
import { escapeHtml } from './page.ts';
import type { StatusView } from './view.ts';
import { maintenanceFeedItems } from '../maintenance/public.ts';

const MAX_ENTRIES = 50;

export function renderAtom(view: StatusView, options: { pageUrl: string; feedUrl: string; locale: string; labels: StatusLabels }): string {
  const feed = new Feed({
    id: options.pageUrl,
    title: options.labels.title,
    link: options.pageUrl,
    language: options.locale,
    feedLinks: { atom: options.feedUrl },
    copyright: '',
    generator: 'herald',
    // A fixed date for an empty feed keeps its ETag stable between requests.
    updated: new Date(view.updatedAt ?? 0),
  });
  const entries = [...view.current, ...view.recent]
    .flatMap((incident) => incident.tweets.map((tweet) => ({ incident, tweet })))
    .sort((a, b) => Date.parse(b.tweet.postedAt) - Date.parse(a.tweet.postedAt))
    .slice(0, MAX_ENTRIES);
  for (const { incident, tweet } of entries) {
    const firstLine = tweet.text.split('\n')[0]!;
    feed.addItem({
      id: `${options.pageUrl}#t-${tweet.id}`,
      // The library marks title and content as HTML: escape the tweet so it reads as written.
      title: escapeHtml(firstLine.length > 80 ? `${firstLine.slice(0, 79)}…` : firstLine),
      link: tweet.url ?? `${options.pageUrl}#t-${incident.id}`,
      content: escapeHtml(tweet.text).replaceAll('\n', '<br>'),
      date: new Date(tweet.postedAt),
    });
  }
  for (const item of maintenanceFeedItems(view.maintenance, options)) feed.addItem(item);
  return feed.atom1();
}
