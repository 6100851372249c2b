import type { Config } from '../config.ts';
import { loadCatalog } from './catalog.ts';
import { composeNotice } from './compose.ts';

/** Binds the catalog and the audience's locale to composing a staff announcement; throws ComposeError. */
export function noticeComposer(config: Pick<Config, 'messagesDir' | 'locale' | 'timezone' | 'statusUrl'>) {
  const catalog = loadCatalog(config.messagesDir, config.locale);
  const options = { locale: config.locale, timezone: config.timezone, statusUrl: config.statusUrl };
  return (input: { key: string; service: string; text: string }): string => composeNotice(catalog, { kind: 'announcement', ...input }, options).text;
}
