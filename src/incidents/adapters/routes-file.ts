import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { featureName, notDefined } from '../impacts.ts';
import { QUEUE_SOURCES } from '../event.ts';
import { FEATURES, PLATFORMS, SCOPES, SEVERITIES } from '../model.ts';
import type { Route, RouteTable } from '../routing.ts';
import { publicServiceName } from '../service-name.ts';

/** The sources a route may name; kept here so a typo in the file is caught at start. */
export const MONITORING_SOURCES = ['alertmanager', 'grafana', 'pagerduty', 'datadog'] as const;

// YAML reads `public: true` or `code: 500` as a boolean or a number; a label value is text.
const labelValue = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const labels = z.record(z.string().min(1), labelValue);

const routeSchema = z
  .object({
    name: z.string().min(1).max(100).optional(),
    sources: z.array(z.enum(MONITORING_SOURCES)).min(1).optional(),
    match: labels.optional(),
    match_re: labels.optional(),
    public: z.boolean().default(true),
    service: publicServiceName.optional(),
    feature: featureName.optional(),
    severity: z.enum(SEVERITIES).optional(),
    severity_from: z
      .object({ label: z.string().min(1), map: z.record(z.string(), z.enum(SEVERITIES)) })
      .strict()
      .optional(),
    // Routes with the same `incident` share one incident of the service: one outage, one thread.
    incident: z.string().regex(/^[\w-]{1,60}$/, 'letters, digits, _ and - only').optional(),
    platforms: z.array(z.enum(PLATFORMS)).min(1).optional(),
    scope: z.enum(SCOPES).optional(),
  })
  .strict()
  .superRefine((route, ctx) => {
    if (!route.public) return;
    for (const field of ['service', 'feature', 'severity'] as const) {
      if (route[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: `a public route needs ${field}` });
    }
    // A public route that matches everything would put every disk-full alert on the account.
    if (!route.match && !route.match_re && !route.sources) {
      ctx.addIssue({ code: 'custom', path: ['match'], message: 'a public route needs at least one of match, match_re, sources' });
    }
  });

// `sources.generic.mayChangeFactsOf: [grafana]`: the generic webhook may change facts Grafana set (fact-owners.ts).
const sourcesSchema = z.partialRecord(z.enum(QUEUE_SOURCES), z.object({ mayChangeFactsOf: z.array(z.enum(QUEUE_SOURCES)).min(1) }).strict());

const fileSchema = z.object({ routes: z.array(routeSchema), sources: sourcesSchema.optional() }).strict();

function compileRegex(source: string, where: string, problems: string[]): RegExp {
  try {
    return new RegExp(`^(?:${source})$`, 'u');
  } catch (err) {
    problems.push(`${where}: not a regular expression: ${(err as Error).message}`);
    return /$^/;
  }
}

/**
 * Parses and checks a routing file's text. Returns the table, or every problem found, each naming
 * where it is (`routes.2.feature: ...`).
 */
/** `features`: those the message catalog defines; a public route naming another is a problem. */
export function parseRouteTable(text: string, features: readonly string[] = FEATURES): { table?: RouteTable; problems: string[] } {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    return { problems: [`not valid YAML: ${(err as Error).message}`] };
  }
  // Features the catalog does not define are named even when other fields are wrong too.
  const rawRoutes = (doc as { routes?: unknown } | null)?.routes;
  const featureProblems = (Array.isArray(rawRoutes) ? rawRoutes : []).flatMap((r: unknown, index) => {
    const feature = (r as { feature?: unknown } | null)?.feature;
    return typeof feature === 'string' && !features.includes(feature) ? [`routes.${index}.feature: ${notDefined([feature], features)}`] : [];
  });
  const parsed = fileSchema.safeParse(doc);
  if (!parsed.success) {
    const schema = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(file)'}: ${i.message}`);
    return { problems: [...schema, ...featureProblems.filter((p) => !schema.some((s) => s.startsWith(p.split(':')[0]!)))] };
  }
  const problems: string[] = [...featureProblems];
  const routes: Route[] = parsed.data.routes.map((r, index) => ({
    name: r.name ?? `routes.${index}`,
    sources: r.sources,
    match: r.match ?? {},
    matchRe: Object.fromEntries(Object.entries(r.match_re ?? {}).map(([label, re]) => [label, compileRegex(re, `routes.${index}.match_re.${label}`, problems)])),
    public: r.public,
    service: r.service,
    feature: r.feature,
    severity: r.severity,
    severityFrom: r.severity_from,
    incident: r.incident,
    platforms: r.platforms,
    scope: r.scope,
  }));
  const sources = Object.entries(parsed.data.sources ?? {}) as [string, { mayChangeFactsOf: string[] }][];
  const mayChangeFactsOf = sources.length > 0 ? Object.fromEntries(sources.map(([source, rule]) => [source, rule.mayChangeFactsOf])) : undefined;
  return problems.length ? { problems } : { table: { routes, ...(mayChangeFactsOf && { mayChangeFactsOf }) }, problems };
}

/** Reads `HERALD_ROUTES`; the problems name the file so the start-up error says where to look. */
export function loadRouteTable(path: string, features?: readonly string[]): { table?: RouteTable; problems: string[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return { problems: [`HERALD_ROUTES: cannot read ${path}: ${(err as Error).message}`] };
  }
  const { table, problems } = parseRouteTable(text, features);
  return { table, problems: problems.map((p) => `HERALD_ROUTES (${path}) ${p}`) };
}
