import type { Incident, Post } from './model.ts';

/**
 * Told when a post becomes a draft and when a person decides on one, after the change is stored.
 * The staff notices and the console's live updates listen (notices/news.ts). Implementations
 * never throw: telling people is best effort and must never hold up posting.
 */
export interface DraftNews {
  drafted(incident: Incident, post: Post): Promise<void>;
  decided(incident: Incident, post: Post, decision: { action: 'approved' | 'edited' | 'rejected'; actor: string; at: string; reason?: string }): Promise<void>;
}

/** Tells everyone about the drafts among `posts`. */
export async function tellDrafted(news: DraftNews | undefined, incident: Incident, posts: readonly Post[]): Promise<void> {
  if (!news) return;
  for (const post of posts) if (post.status === 'draft') await news.drafted(incident, post);
}
