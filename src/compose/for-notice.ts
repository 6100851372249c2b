import { loadCatalog } from './catalog.ts';
import { composeNotice, type AudienceSettings } from './compose.ts';

/** Binds the catalog and the audience's locale to composing a staff announcement; throws ComposeError. */
export function noticeComposer(config: AudienceSettings) {
  const catalog = loadCatalog(config.messagesDir, config.locale);
  const options = { locale: config.locale, timezone: config.timezone, statusUrl: config.statusUrl };
  return (input: { key: string; service: string; text: string }): string => composeNotice(catalog, { kind: 'announcement', ...input }, options).text;
}
