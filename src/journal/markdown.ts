/** The journal as Markdown, for a postmortem document or a wiki page. Pure. */
import { DateTime } from 'luxon';
import { DEFAULT_ACCOUNT } from '../incidents/accounts.ts';
import type { Journal, NoteField, TimelineKind } from './journal.ts';

const NOTE_TITLES: Record<NoteField, string> = {
  cause: 'Cause',
  actionsTaken: 'What was done',
  retrospective: 'Retrospective',
  prevention: 'Prevention',
};

const KIND_WORDS: Record<TimelineKind, string> = {
  'outage-started': 'outage started (as monitoring reported it)',
  'first-alert': 'first alert received',
  announced: 'announced',
  'update-posted': 'update posted',
  'reopened-posted': 'reopening posted',
  'resolution-posted': 'resolution posted',
  'announcement-posted': 'announcement posted',
  'post-cancelled': 'post cancelled',
  'post-failed': 'post failed',
  resolved: 'resolved (as monitoring reported it)',
  'journal-edited': 'journal edited',
  approval: 'approval',
};

/**
 * What came from outside (service names from alerts, editors, tweets, notes) is written so that a
 * Markdown viewer shows it as text: no HTML element, link or emphasis is made of it.
 */
export const escapeHtml = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
export const inline = (text: string) => escapeHtml(text).replace(/[\\`*_[\]()#+!|~{}]/g, (c) => `\\${c}`);

/** A table cell: one line, escaped. */
const cell = (text: string) => inline(text.replace(/\s*\n\s*/g, ' '));

export function journalMarkdown(journal: Journal, timezone: string): string {
  const time = (iso: string | null) => (iso ? DateTime.fromISO(iso, { zone: timezone }).toFormat("yyyy-MM-dd HH:mm:ss ZZ") : '—');
  const lines = [
    `# Incident ${inline(journal.key)}`,
    '',
    `- **Service:** ${inline(journal.service)} (${journal.feature}, ${journal.severity})`,
    `- **State:** ${journal.state}`,
    `- **Outage:** ${time(journal.openedAt)} → ${time(journal.resolvedAt)}${journal.durationMinutes === null ? '' : ` (${journal.durationMinutes} min)`}`,
    `- **First alert received:** ${time(journal.firstSeenAt)}`,
    `- **Time to announce:** ${journal.timeToAnnounceSeconds === null ? 'not announced' : `${journal.timeToAnnounceSeconds} s`}`,
    `- **Thread:** ${journal.threadUrl ?? (journal.thread.length > 0 ? 'dry-run (not on X)' : 'nothing was posted')}`,
    '',
    '## Thread',
    '',
  ];
  if (journal.thread.length === 0) lines.push('_Nothing was posted._', '');
  journal.thread.forEach((tweet, i) => {
    const account = tweet.account !== DEFAULT_ACCOUNT ? ` on account ${inline(tweet.account)}` : '';
    lines.push(`${i + 1}. ${time(tweet.postedAt)}, ${tweet.kind}${account}${tweet.url ? ` ([on X](${tweet.url}))` : ''}`, '');
    lines.push(...tweet.text.split('\n').map((l) => `   > ${inline(l)}`), '');
  });
  lines.push('## Timeline', '', '| time | what | details |', '| --- | --- | --- |');
  for (const entry of journal.timeline) {
    const details = [entry.account && `[${entry.account}]`, entry.detail, entry.by && `by ${entry.by}`, entry.url].filter(Boolean).join(' · ');
    lines.push(`| ${time(entry.at)} | ${KIND_WORDS[entry.kind]} | ${cell(details)} |`);
  }
  for (const [field, title] of Object.entries(NOTE_TITLES) as [NoteField, string][]) {
    // Notes are Markdown that staff write, kept as Markdown; only HTML in them is shown as text.
    lines.push('', `## ${title}`, '', escapeHtml(journal.notes[field].trim()) || '_Not written yet._');
  }
  return `${lines.join('\n')}\n`;
}
