import { formatMoment } from '../compose/reader-time.ts';
import type { Translator } from '../console/i18n.ts';
import { actorName, questionText } from '../console/stored-words.ts';
import type { DigestNotice, StaffNotice } from './notice.ts';

/**
 * The sentences every channel uses, from the console's catalog (`notices.*`), in the staff's
 * language (HERALD_LOCALE) and time zone (HERALD_TIMEZONE).
 */
export interface NoticeWords {
  /** One line: what happened and to what. Slack's fallback text, the email subject. */
  title: string;
  /** What the draft is about: service, what people cannot do, severity. */
  facts: { label: string; value: string }[];
  /** Above the quoted text: what the text is. */
  lead: string;
  /** What happens if nobody decides, when the draft still waits. */
  deadline?: string;
  question?: string;
  open: string;
}

export function noticeWords(notice: StaffNotice, tr: Translator, timezone: string): NoticeWords {
  const { incident, decision } = notice;
  const subject = incident.announcement ? tr.t('notices.subject.announcement') : tr.t('notices.subject.outage', { service: incident.service });
  // The audit's names, said as the console says them: "api-token" is "API 토큰".
  const actor = decision && actorName(decision.actor, tr);
  const title = decision ? tr.t(`notices.title.${decision.action}`, { actor, subject }) : tr.t(`notices.title.${notice.kind}`, { subject });
  const facts = incident.announcement
    ? [{ label: tr.t('notices.fact.service'), value: incident.service }]
    : [
        { label: tr.t('notices.fact.service'), value: incident.service },
        // A feature the catalog of tweets added (features are data) has no name here: it is shown as configured.
        { label: tr.t('notices.fact.feature'), value: tr.maybe(`names.feature.${incident.feature}`) ?? incident.feature },
        { label: tr.t('notices.fact.severity'), value: tr.t(`names.severity.${incident.severity}`) },
        { label: tr.t('notices.fact.kind'), value: tr.maybe(`names.kind.${notice.post.kind}`) ?? notice.post.kind },
      ];
  const lead = decision ? tr.t(`notices.lead.${decision.action}`, { actor, reason: decision.reason ?? '' }) : tr.t('notices.lead.waiting');
  const deadline =
    !decision || decision.action === 'edited'
      ? notice.deadline && tr.t('notices.deadline', { time: formatMoment(notice.deadline, { locale: tr.locale, zone: timezone }), outcome: notice.onTimeout ?? 'post' })
      : undefined;
  return { title, facts, lead, deadline: deadline || undefined, question: notice.question ? questionText(notice.question, tr) : undefined, open: tr.t('notices.open') };
}

/** A minute's digest in words: a title, one line per count, and the link's label. */
export function digestWords(notice: DigestNotice, tr: Translator, timezone: string): { title: string; lines: string[]; open: string } {
  const time = formatMoment(notice.since, { locale: tr.locale, zone: timezone });
  const lines = [
    ...(notice.drafts > 0 ? [tr.t('notices.digest.drafts', { count: notice.drafts })] : []),
    ...Object.entries(notice.held)
      .filter(([, count]) => count > 0)
      .map(([source, count]) => tr.t('notices.digest.held', { count, source })),
    ...Object.entries(notice.unlisted ?? {})
      .filter(([, count]) => count > 0)
      .map(([source, count]) => tr.t('notices.digest.unlisted', { count, source })),
  ];
  return { title: tr.t('notices.digest.title', { time }), lines, open: tr.t('notices.digest.open') };
}
