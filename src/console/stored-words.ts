/**
 * Words herald stored in English on posts and in audit logs (a note on a withdrawn post, the
 * approval rule that held a draft, "from 127.0.0.1"), said again in the reader's language. The
 * records keep their English: the API, the journal and records written by older versions read them
 * as they are, so the console translates what it recognises when it shows them. What it does not
 * recognise (an error a network answered with) is shown as recorded, marked as English.
 */
import { RESOLVED_UNANNOUNCED, RESOLVED_UNREOPENED, UNSEEN_OPEN } from '../approval/hold.ts';
import { formatDuration } from '../compose/locale-format.ts';
import { html, type Html } from './html.ts';
import type { Translator } from './i18n.ts';

/** Notes said in so many words, by their catalog key under `notes.`. */
const FIXED_NOTES: Record<string, string> = {
  'resolved before the update went out': 'resolvedBeforeUpdate',
  'resolved within the grace period': 'resolvedInGrace',
  'the thread it belongs to was never posted': 'threadNeverPosted',
  'X refused the text a person approved as a duplicate of an earlier tweet': 'duplicateApproved',
  'waiting for the posting budget': 'waitingBudget',
  'waiting for a Redis replica to confirm the claim': 'waitingReplica',
  'X refused the text as a duplicate; the next variant will be used': 'duplicateNextVariant',
  'X refused the reply; it goes out as a new tweet that says what it follows up': 'replyRefused',
  'the incident was resolved before anyone approved it': 'resolvedBeforeApproval',
  'the incident opened again before its resolution was approved': 'reopenedBeforeApproval',
  'followers were never told it was fixed, so there is nothing new to say': 'neverToldFixed',
  'the window changed': 'windowChanged',
  'finished early': 'finishedEarly',
  'the window was cancelled': 'windowCancelled',
};

/** The questions hold.ts asks a person (a resolution nobody approved the start of, an outage never seen open), by catalog key. */
const QUESTION_KEYS: Record<string, string> = { [RESOLVED_UNANNOUNCED]: 'unannounced', [RESOLVED_UNREOPENED]: 'unreopened', [UNSEEN_OPEN]: 'unseenOpen' };

/**
 * A held draft's question in the reader's words, on its console page and in staff notices alike;
 * a question herald did not word itself (a network's reason for refusing a post) as recorded.
 */
export const questionText = (question: string, tr: Translator): string => {
  const key = QUESTION_KEYS[question];
  return (key && tr.maybe(`draft.question.${key}`)) ?? question;
};

/** "25 min" or "30 s", as approval/drafts.ts writes how long a draft waited. */
function waitedText(waited: string, locale: string): string {
  const m = /^(\d+) (min|s)$/.exec(waited);
  if (!m) return waited;
  return formatDuration(m[2] === 'min' ? Number(m[1]) : Number(m[1]) / 60, locale);
}

/**
 * The rule that held a draft (approval/policy.ts names it): "HERALD_APPROVAL=required", "made by
 * hand", "no rule", "rule 2 (severity critical/major, feature login)".
 */
export function ruleText(rule: string, tr: Translator): string | undefined {
  const fixed = {
    'HERALD_APPROVAL=required': 'required',
    'made by hand': 'byHand',
    'no rule': 'none',
    'the approval policy': 'policy',
    'an update for an outage herald never saw open': 'unseenOpen',
    'resolved before it was announced': 'resolvedUnannounced',
  }[rule];
  if (fixed) return tr.t(`rules.${fixed}`);
  const windowEnd = /^(.*); said when the window ends, approved or not$/.exec(rule);
  if (windowEnd) return tr.t('rules.windowEnd', { rule: ruleText(windowEnd[1]!, tr) ?? windowEnd[1] });
  const numbered = /^rule (\d+)(?: \((.*)\))?$/.exec(rule);
  if (!numbered) return undefined;
  if (!numbered[2]) return tr.t('rules.numbered', { number: numbered[1] });
  const criteria = numbered[2].split(', ').map((criterion) => {
    const [name, values = ''] = criterion.split(' ');
    const named = name === 'severity' || name === 'feature' ? values.split('/').map((v) => tr.maybe(`names.${name}.${v}`) ?? v).join('/') : values;
    return tr.maybe(`rules.criterion.${name}`, { values: named }) ?? criterion;
  });
  return tr.t('rules.numberedWith', { number: numbered[1], criteria: criteria.join(', ') });
}

/** Who did something, as the audit log records them: a person's name, or herald's word for a token or an unknown name. */
export function actorName(actor: string, tr: Translator): string {
  const unknown = /^unknown name (#\w+)$/.exec(actor);
  if (unknown) return tr.t('names.actor.unknown', { hash: unknown[1] });
  return tr.maybe(`names.actor.${actor}`) ?? actor;
}

/** A stored note or audit reason in the reader's words, when herald wrote it in words it knows. */
export function storedText(text: string, tr: Translator, when: (iso: string) => string = (iso) => iso): string | undefined {
  const fixed = FIXED_NOTES[text];
  if (fixed) return tr.t(`notes.${fixed}`);
  const rule = ruleText(text, tr);
  if (rule) return rule;
  const from = /^from (\S+)$/.exec(text);
  if (from) return tr.t('notes.fromIp', { ip: from[1] });
  const rejected = /^rejected by ([^:]+): ([\s\S]*)$/.exec(text);
  if (rejected) return tr.t('notes.rejectedBy', { actor: actorName(rejected[1]!, tr), reason: rejected[2] });
  const timedOut = /^nobody approved it within ([^,;]+)(, so it expired|; posted anyway) \((.*)\)$/.exec(text);
  if (timedOut) {
    const values = { waited: waitedText(timedOut[1]!, tr.locale), rule: ruleText(timedOut[3]!, tr) ?? timedOut[3] };
    return tr.t(timedOut[2] === '; posted anyway' ? 'notes.postedAnyway' : 'notes.expired', values);
  }
  const changed = /^(.*); deadline (\S+), then (post|expire)$/.exec(text);
  if (changed) return tr.t('rules.changed', { rule: storedText(changed[1]!, tr) ?? changed[1], deadline: when(changed[2]!), outcome: changed[3] });
  const noText = /^no text could be composed: ([\s\S]*)$/.exec(text);
  if (noText) return tr.t('notes.noText', { reason: noText[1] });
  return undefined;
}

/**
 * A stored note as markup: translated when recognised, else quoted as recorded and marked as
 * English (`lang="en"`), so a screen reader reads it right and nobody takes it for a translation.
 */
export function storedNote(text: string, tr: Translator, when?: (iso: string) => string): Html {
  const said = storedText(text, tr, when);
  if (said !== undefined) return html`${said}`;
  return tr.locale === 'en' ? html`${text}` : html`${tr.t('notes.asRecorded', { text: '' }).trim()} <q lang="en">${text}</q>`;
}
