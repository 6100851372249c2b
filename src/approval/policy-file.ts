import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { featureName } from '../incidents/impacts.ts';
import { SEVERITIES } from '../incidents/model.ts';
import type { ApprovalPolicy, ApprovalRule } from './policy.ts';

/**
 * The approval rules file (`HERALD_APPROVAL_RULES`), for example:
 *
 * ```yaml
 * rules:
 *   - severity: critical          # one value or a list; leave a criterion out to match anything
 *     approval: required
 *     timeoutSeconds: 300
 *     onTimeout: post             # post anyway when nobody answers
 *   - severity: [major, minor]
 *     source: grafana
 *     approval: required
 *     onTimeout: expire
 * ```
 */

const oneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]) as z.infer<T>[]);

const ruleSchema = z
  .object({
    severity: oneOrMany(z.enum(SEVERITIES)).optional(),
    source: oneOrMany(z.string().min(1)).optional(),
    feature: oneOrMany(featureName).optional(),
    approval: z.enum(['auto', 'required']),
    timeoutSeconds: z.number().positive().optional(),
    onTimeout: z.enum(['post', 'expire']).optional(),
  })
  .strict();

const fileSchema = z.object({ rules: z.array(ruleSchema) }).strict();

/** Reads and checks the rules file; returns every problem found, each naming its place. */
export function loadApprovalPolicy(mode: 'auto' | 'required', file: string | undefined): { policy?: ApprovalPolicy; problems: string[] } {
  const required = mode === 'required';
  if (!file) return { policy: { required, rules: [] }, problems: [] };
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    return { problems: [`HERALD_APPROVAL_RULES: cannot read ${file}: ${(err as Error).message.split('\n')[0]}`] };
  }
  const parsed = fileSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    return { problems: parsed.error.issues.map((i) => `HERALD_APPROVAL_RULES (${file}): ${i.path.join('.') || '(file)'}: ${i.message}`) };
  }
  const rules: ApprovalRule[] = parsed.data.rules.map(({ timeoutSeconds, ...rule }) => ({
    ...rule,
    timeoutMs: timeoutSeconds === undefined ? undefined : Math.round(timeoutSeconds * 1000),
  }));
  return { policy: { required, rules }, problems: [] };
}
