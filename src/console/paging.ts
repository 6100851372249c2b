import { html, type Html } from './html.ts';
import type { Translator } from './i18n.ts';
import { pageSchema, type Paged } from '../paging.ts';

/** The console's `?page=`: anything that is not a page number shows the first page (a link typed by hand). */
export function consolePage(raw: unknown): number {
  const parsed = pageSchema.safeParse(raw);
  return parsed.success ? parsed.data : 1;
}

/** Newer and older pages of a console list, in the person's words; nothing when there is one page. */
export function pager(paged: Paged<unknown>, href: (page: number) => string, tr: Translator): Html {
  if (paged.page === 1 && !paged.hasNext) return html``;
  const where = paged.total === undefined ? tr.t('pages.page', { page: paged.page }) : tr.t('pages.pageOfTotal', { page: paged.page, total: paged.total });
  return html`<nav class="pager" aria-label="${tr.t('pages.label')}">${paged.page > 1 ? html`<a rel="prev" href="${href(paged.page - 1)}">${tr.t('pages.previous')}</a>` : ''} <span>${where}</span> ${paged.hasNext ? html`<a rel="next" href="${href(paged.page + 1)}">${tr.t('pages.next')}</a>` : ''}</nav>`;
}
