/**
 * The journal as Markdown, for a postmortem document or a wiki page, in the reader's language:
 * headings and words from the console's catalogs (`journal.`), times in the audience's clock words
 * through the one reader-time formatter (no seconds, no offset), and herald's stored English notes
 * said again where herald knows them (console/stored-words.ts). The JSON export stays as it is:
 * ISO times and herald's own words, for machines. Pure.
 */
import { DateTime } from 'luxon';
import { formatDuration } from '../compose/locale-format.ts';
import { formatMoment, formatSpan, type ReaderClock } from '../compose/reader-time.ts';
import type { Translator } from '../console/i18n.ts';
import { actorName, storedText } from '../console/stored-words.ts';
import { DEFAULT_ACCOUNT } from '../incidents/accounts.ts';
import { NOTE_FIELDS, type Journal, type NoteField, type TimelineEntry } from './journal.ts';

/**
 * What came from outside (service names from alerts, editors, tweets, notes) is written so that a
 * Markdown viewer shows it as text: no HTML element, link or emphasis is made of it.
 */
export const escapeHtml = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
export const inline = (text: string) => escapeHtml(text).replace(/[\\`*_[\]()#+!|~{}]/g, (c) => `\\${c}`);

/** A table cell: one line, escaped. */
const cell = (text: string) => inline(text.replace(/\s*\n\s*/g, ' '));

/** Whom the export is written for: their words and the audience's clock. */
export interface JournalReader {
  tr: Translator;
  clock: ReaderClock;
}

/**
 * A timeline entry's details in the reader's words: the fields an edit changed, a withdrawn post's
 * note, an approval step's action and reason; anything herald does not recognise, as recorded.
 */
function detailOf(entry: TimelineEntry, { tr }: JournalReader): string | undefined {
  const { detail } = entry;
  if (detail === undefined) return undefined;
  const said = (text: string) => storedText(text, tr) ?? text;
  switch (entry.kind) {
    case 'journal-edited':
      return detail
        .split(', ')
        .map((field) => ((NOTE_FIELDS as readonly string[]).includes(field) ? tr.t(`journal.notes.${field}`) : field))
        .join(', ');
    case 'post-cancelled':
    case 'post-failed': {
      // `<post id>: <note>` (journal.ts)
      const [, post, note] = /^([^:]+): ([\s\S]*)$/.exec(detail) ?? [];
      return post === undefined ? detail : `${post}: ${said(note!)}`;
    }
    case 'approval': {
      // `<action>` or `<action> (<post id>: <reason>: "before" → "after")` (journal.ts)
      const [, action, words] = /^([a-z-]+)(?: \(([\s\S]*)\))?$/.exec(detail) ?? [];
      if (action === undefined) return detail;
      const named = tr.maybe(`audit.action.${action}`) ?? action;
      if (words === undefined) return named;
      const [post, ...rest] = words.split(': ');
      return `${named} (${[post, ...(rest.length ? [said(rest.join(': '))] : [])].join(': ')})`;
    }
    default:
      return detail;
  }
}

export function journalMarkdown(journal: Journal, reader: JournalReader): string {
  const { tr, clock } = reader;
  // Timeline moments on the outage's first day show the clock alone; other days and years are written out.
  const opened = Date.parse(journal.openedAt);
  const time = (iso: string | null) => (iso ? formatMoment(iso, clock, opened) : '—');
  // The header dates the outage in full, the year too: a postmortem is read long after.
  const aYearBefore = DateTime.fromMillis(opened).minus({ years: 1 }).toMillis();
  const outage = journal.resolvedAt
    ? `${formatSpan(journal.openedAt, journal.resolvedAt, clock, aYearBefore)}${journal.durationMinutes === null ? '' : ` (${formatDuration(journal.durationMinutes, clock.locale)})`}`
    : tr.t('journal.stillOpen', { time: formatMoment(journal.openedAt, clock, aYearBefore) });
  const name = (group: string, value: string) => tr.maybe(`names.${group}.${value}`) ?? value;
  const lines = [
    `# ${inline(tr.t('journal.title', { key: journal.key }))}`,
    '',
    `- **${tr.t('journal.service')}:** ${inline(journal.service)} (${name('feature', journal.feature)}, ${name('severity', journal.severity)})`,
    `- **${tr.t('journal.state')}:** ${name('state', journal.state)}`,
    `- **${tr.t('journal.outage')}:** ${outage}`,
    `- **${tr.t('journal.firstAlert')}:** ${time(journal.firstSeenAt)}`,
    `- **${tr.t('journal.timeToAnnounce')}:** ${journal.timeToAnnounceSeconds === null ? tr.t('journal.notAnnounced') : tr.t('journal.seconds', { seconds: journal.timeToAnnounceSeconds })}`,
    `- **${tr.t('journal.thread')}:** ${journal.threadUrl ?? (journal.thread.length > 0 ? tr.t('journal.dryRun') : tr.t('journal.nothingPosted'))}`,
    '',
    `## ${tr.t('journal.thread')}`,
    '',
  ];
  if (journal.thread.length === 0) lines.push(`_${tr.t('journal.nothingPostedBody')}_`, '');
  journal.thread.forEach((tweet, i) => {
    const account = tweet.account !== DEFAULT_ACCOUNT ? `, ${inline(tr.t('journal.onAccount', { account: tweet.account }))}` : '';
    lines.push(`${i + 1}. ${time(tweet.postedAt)}, ${name('kind', tweet.kind)}${account}${tweet.url ? ` ([${tr.t('journal.onX')}](${tweet.url}))` : ''}`, '');
    lines.push(...tweet.text.split('\n').map((l) => `   > ${inline(l)}`), '');
  });
  lines.push(`## ${tr.t('journal.timeline')}`, '', `| ${tr.t('journal.col.time')} | ${tr.t('journal.col.what')} | ${tr.t('journal.col.details')} |`, '| --- | --- | --- |');
  for (const entry of journal.timeline) {
    const details = [entry.account && `[${entry.account}]`, detailOf(entry, reader), entry.by && tr.t('journal.by', { name: actorName(entry.by, tr) }), entry.url].filter(Boolean).join(' · ');
    lines.push(`| ${time(entry.at)} | ${tr.t(`journal.kind.${entry.kind}`)} | ${cell(details)} |`);
  }
  for (const field of NOTE_FIELDS as readonly NoteField[]) {
    // Notes are Markdown that staff write, kept as Markdown; only HTML in them is shown as text.
    lines.push('', `## ${tr.t(`journal.notes.${field}`)}`, '', escapeHtml(journal.notes[field].trim()) || `_${tr.t('journal.notWritten')}_`);
  }
  return `${lines.join('\n')}\n`;
}
