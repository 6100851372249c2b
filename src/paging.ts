import { z } from 'zod';
import { invalidPayload } from './errors.ts';

/**
 * Pages of the console's lists and of the `/api` lists it uses: a 1-based `page` and a fixed size
 * per list, so no page grows with what herald holds (5,000 drafts are 200 pages of 25, not a
 * 6 MB page every open console reloads). docs/security.md#limits has the sizes.
 */

export const PAGE_SIZES = { drafts: 25, incidents: 50, audit: 100 } as const;

/** The highest page anyone may ask for: past it the list is not worth reading page by page. */
export const MAX_PAGE = 10_000;

export interface Paged<T> {
  items: T[];
  page: number;
  /** Whether a further page has something. */
  hasNext: boolean;
  /** How many there are in all, when the list knows (drafts do; incidents are read a page at a time). */
  total?: number;
}

/** One page of a list read whole. */
export function pageOf<T>(all: readonly T[], page: number, size: number): Paged<T> {
  const from = (page - 1) * size;
  return { items: all.slice(from, from + size), page, hasNext: all.length > from + size, total: all.length };
}

/**
 * A page of a list read from a store a page at a time: `read(limit, offset)` is asked for one more
 * than the page holds, which says whether another page follows without counting them all.
 */
export async function pageFrom<T>(read: (limit: number, offset: number) => Promise<T[]>, page: number, size: number): Promise<Paged<T>> {
  const found = await read(size + 1, (page - 1) * size);
  return { items: found.slice(0, size), page, hasNext: found.length > size };
}

export const pageSchema = z.coerce.number().int().min(1).max(MAX_PAGE);

/** The API's `?page=`: a bad one is refused (400 naming it), never guessed. */
export function apiPage(raw: unknown): number {
  if (raw === undefined) return 1;
  const parsed = pageSchema.safeParse(raw);
  if (!parsed.success) throw invalidPayload(parsed.error, 'the query parameter page');
  return parsed.data;
}

/** Tells an API client where the next page is (`Link: <…>; rel="next"`, as GitHub's API does) and how many there are. */
export function pagingHeaders(path: string, paged: Paged<unknown>): Record<string, string> {
  const headers: Record<string, string> = {};
  if (paged.hasNext) headers.link = `<${path}${path.includes('?') ? '&' : '?'}page=${paged.page + 1}>; rel="next"`;
  if (paged.total !== undefined) headers['x-total-count'] = String(paged.total);
  return headers;
}

