import { BY_HAND_SOURCE, type Feature, type Severity } from '../incidents/model.ts';

/**
 * Whether a planned tweet goes out at once or waits for a person, and what happens when nobody
 * answers. Pure: the configuration comes in as data (see `policy-file.ts`), time is not involved.
 */

export type TimeoutOutcome = 'post' | 'expire';

/** One line of the policy. An absent criterion matches anything; the first matching rule wins. */
export interface ApprovalRule {
  severity?: readonly Severity[];
  source?: readonly string[];
  feature?: readonly Feature[];
  approval: 'auto' | 'required';
  /** Defaults per severity ({@link DEFAULT_TIMEOUTS}) when absent. */
  timeoutMs?: number;
  onTimeout?: TimeoutOutcome;
}

export interface ApprovalPolicy {
  /** `HERALD_APPROVAL=required`: every post waits, whatever the rules say about approval. */
  required: boolean;
  rules: readonly ApprovalRule[];
}

/** What a post is, as far as the policy cares. */
export interface ApprovalSubject {
  severity: Severity;
  feature: Feature;
  /** The ingest route of the event that planned it; `console` for what a person did by hand. */
  source: string;
}

export type ApprovalDecision =
  | { hold: false; rule: string }
  | { hold: true; rule: string; timeoutMs: number; onTimeout: TimeoutOutcome };

/** The source of posts a person made in the console or through the API. */
export const BY_HAND = BY_HAND_SOURCE;

/**
 * The source of a follow-up planned by setting a public note (incidents/public-note.ts): staff's
 * own words in a tweet, which, like any text written by hand, a person sees before it goes out.
 */
export const PUBLIC_NOTE = 'public-note';

/**
 * Sources that are herald itself planning a post about an incident (a follow-up, a person's change
 * of facts or attached thread, a maintenance notice or overrun), not a monitoring tool that sends
 * alerts into it.
 */
export const HERALD_SOURCES: ReadonlySet<string> = new Set([BY_HAND, 'follow-up', 'facts', PUBLIC_NOTE, 'thread', 'maintenance']);

/**
 * Used when a rule names no timeout. An outage is never silently unannounced: critical and major
 * posts go out when nobody answers; a minor one is not worth posting late, so it expires.
 */
export const DEFAULT_TIMEOUTS: Readonly<Record<Severity, { timeoutMs: number; onTimeout: TimeoutOutcome }>> = {
  critical: { timeoutMs: 10 * 60_000, onTimeout: 'post' },
  major: { timeoutMs: 20 * 60_000, onTimeout: 'post' },
  minor: { timeoutMs: 30 * 60_000, onTimeout: 'expire' },
};

export const AUTO_POLICY: ApprovalPolicy = { required: false, rules: [] };

/**
 * The strictest of several decisions: a post that any applicable rule holds is held; among holds,
 * one that lets the draft expire beats one that posts it anyway (nothing public without a person),
 * then the longer wait.
 */
function strictest(decisions: readonly ApprovalDecision[]): ApprovalDecision {
  const score = (d: ApprovalDecision) => (d.hold ? 1e15 + (d.onTimeout === 'expire' ? 1e14 : 0) + d.timeoutMs : 0);
  return decisions.reduce((a, b) => (score(b) > score(a) ? b : a));
}

/**
 * Decides for a post about an incident several sources speak of: every source's rule is asked
 * and the strictest answer wins, so a second sender cannot release what the first one's rule holds.
 */
export function decideForSources(policy: ApprovalPolicy, subject: Omit<ApprovalSubject, 'source'> & { sources: readonly string[] }): ApprovalDecision {
  return strictest(subject.sources.map((source) => decideApproval(policy, { severity: subject.severity, feature: subject.feature, source })));
}

const matches = <T>(allowed: readonly T[] | undefined, value: T): boolean => allowed === undefined || allowed.includes(value);

function describe(index: number, rule: ApprovalRule): string {
  const criteria = (['severity', 'source', 'feature'] as const).flatMap((name) => (rule[name] ? [`${name} ${rule[name]!.join('/')}`] : []));
  return `rule ${index + 1}${criteria.length ? ` (${criteria.join(', ')})` : ''}`;
}

/**
 * Decides for one post. What a person wrote by hand, and a follow-up carrying a public note staff
 * just set, always wait as drafts, so that they are seen as the tweets they will be before they go
 * out; their timeout follows the rules like any other.
 */
export function decideApproval(policy: ApprovalPolicy, subject: ApprovalSubject): ApprovalDecision {
  const index = policy.rules.findIndex(
    (r) => matches(r.severity, subject.severity) && matches(r.source, subject.source) && matches(r.feature, subject.feature),
  );
  const rule = policy.rules[index];
  const name = rule ? describe(index, rule) : 'no rule';
  const byHand = subject.source === BY_HAND || subject.source === PUBLIC_NOTE;
  if (rule?.approval !== 'required' && !policy.required && !byHand) return { hold: false, rule: name };
  const fallback = DEFAULT_TIMEOUTS[subject.severity];
  return {
    hold: true,
    rule: rule?.approval === 'required' ? name : policy.required ? 'HERALD_APPROVAL=required' : subject.source === PUBLIC_NOTE ? 'a public note staff set' : 'made by hand',
    timeoutMs: rule?.timeoutMs ?? fallback.timeoutMs,
    onTimeout: rule?.onTimeout ?? fallback.onTimeout,
  };
}
