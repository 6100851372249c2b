import type { Feature, Severity } from '../incidents/model.ts';

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
export const BY_HAND = 'console';

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

const matches = <T>(allowed: readonly T[] | undefined, value: T): boolean => allowed === undefined || allowed.includes(value);

function describe(index: number, rule: ApprovalRule): string {
  const criteria = (['severity', 'source', 'feature'] as const).flatMap((name) => (rule[name] ? [`${name} ${rule[name]!.join('/')}`] : []));
  return `rule ${index + 1}${criteria.length ? ` (${criteria.join(', ')})` : ''}`;
}

/**
 * Decides for one post. What a person wrote by hand always waits as a draft, so that it is seen
 * as the tweet it will be before it goes out; its timeout follows the rules like any other.
 */
export function decideApproval(policy: ApprovalPolicy, subject: ApprovalSubject): ApprovalDecision {
  const index = policy.rules.findIndex(
    (r) => matches(r.severity, subject.severity) && matches(r.source, subject.source) && matches(r.feature, subject.feature),
  );
  const rule = policy.rules[index];
  const name = rule ? describe(index, rule) : 'no rule';
  if (rule?.approval !== 'required' && !policy.required && subject.source !== BY_HAND) return { hold: false, rule: name };
  const fallback = DEFAULT_TIMEOUTS[subject.severity];
  return {
    hold: true,
    rule: rule?.approval === 'required' ? name : policy.required ? 'HERALD_APPROVAL=required' : 'made by hand',
    timeoutMs: rule?.timeoutMs ?? fallback.timeoutMs,
    onTimeout: rule?.onTimeout ?? fallback.onTimeout,
  };
}
