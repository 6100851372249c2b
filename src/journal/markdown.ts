/** The journal as Markdown, for a postmortem document or a wiki page. Pure. */
import { DateTime } from 'luxon';
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

/** A table cell: one line, pipes escaped. */
const cell = (text: string) => text.replace(/\s*\n\s*/g, ' ').replaceAll('|', '\\|');

export function journalMarkdown(journal: Journal, timezone: string): string {
  const time = (iso: string | null) => (iso ? DateTime.fromISO(iso, { zone: timezone }).toFormat("yyyy-MM-dd HH:mm:ss ZZ") : '—');
  const lines = [
    `# Incident ${journal.key}`,
    '',
    `- **Service:** ${journal.service} (${journal.feature}, ${journal.severity})`,
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
    const account = tweet.account ? ` on account ${tweet.account}` : '';
    lines.push(`${i + 1}. ${time(tweet.postedAt)}, ${tweet.kind}${account}${tweet.url ? ` ([on X](${tweet.url}))` : ''}`, '');
    lines.push(...tweet.text.split('\n').map((l) => `   > ${l}`), '');
  });
  lines.push('## Timeline', '', '| time | what | details |', '| --- | --- | --- |');
  for (const entry of journal.timeline) {
    const details = [entry.account && `[${entry.account}]`, entry.detail, entry.by && `by ${entry.by}`, entry.url].filter(Boolean).join(' · ');
    lines.push(`| ${time(entry.at)} | ${KIND_WORDS[entry.kind]} | ${cell(details)} |`);
  }
  for (const [field, title] of Object.entries(NOTE_TITLES) as [NoteField, string][]) {
    lines.push('', `## ${title}`, '', journal.notes[field].trim() || '_Not written yet._');
  }
  return `${lines.join('\n')}\n`;
}
