import { FEATURES, PHASES, PLATFORMS, SCOPES, SEVERITIES, type AlertEvent, type Feature, type Phase, type Platform, type Scope, type Severity } from './model.ts';
import { publicServiceName, serviceListed, unlistedServiceReason, type ServiceList } from './service-name.ts';

/**
 * Which monitoring alerts become public incidents, and as what: pure functions over the alert's
 * labels and the routing table (`HERALD_ROUTES`, parsed by routes-file.ts). Nothing an alert says
 * in free text (annotations, titles, other labels) ever leaves this module: an event carries only
 * the mapped service, feature and severity.
 */

/** One alert as a monitoring source reports it, before routing. */
export interface RawAlert {
  /** Route it came through: `alertmanager`, `grafana`, `pagerduty`, `datadog`. */
  source: string;
  /** Stable for the alert across notifications (Alertmanager's fingerprint, PagerDuty's incident id...). */
  id: string;
  status: 'firing' | 'resolved';
  /** Labels or tags, as strings. Untrusted text: used to match routes, never shown publicly. */
  labels: Readonly<Record<string, string>>;
  /** When monitoring says the alert started (firing) or ended (resolved), ISO-8601 with offset. */
  at: string;
}

export interface Route {
  /** Shown in the API and logs, so a person can tell which route took an alert. */
  name: string;
  /** Only alerts from these sources; absent: any. */
  sources?: readonly string[];
  /** Every label named must hold exactly this value. */
  match: Readonly<Record<string, string>>;
  /** Every label named must match the whole expression. */
  matchRe: Readonly<Record<string, RegExp>>;
  /** False: a known alert that must never reach followers (recorded as unrouted, with this route's name). */
  public: boolean;
  service?: string;
  feature?: Feature;
  /** The severity, or the fallback when `severityFrom` finds no mapped value. */
  severity?: Severity;
  severityFrom?: { label: string; map: Readonly<Record<string, Severity>> };
  /**
   * Routes naming the same incident group share one incident (and one thread) for the service:
   * "messages delayed" and "PC login failing" of one outage. Absent: the feature is the group.
   */
  incident?: string;
  /** Where the problem shows; the alert's `platform` label adds to it. */
  platforms?: readonly Platform[];
  scope?: Scope;
}

export interface RouteTable {
  routes: readonly Route[];
  /** `sources.<source>.mayChangeFactsOf`: whose facts each source may change (fact-owners.ts); absent: only its own. */
  mayChangeFactsOf?: Readonly<Record<string, readonly string[]>>;
}

/** What an alert's labels may add to its impact: `platform` (comma-separated), `scope`, `phase`. */
export interface LabelFacts {
  platforms?: Platform[];
  scope?: Scope;
  phase?: Phase;
  /** Groups impacts of one outage into one incident (a route's `incident`). */
  group?: string;
}

export type Routing =
  | ({ public: true; service: string; feature: Feature; severity: Severity; route: string } & LabelFacts)
  | { public: false; reason: string; route?: string };

/** An alert that reached herald but not the public: kept for a person to look at (GET /api/alerts/unrouted). */
export interface UnroutedAlert {
  source: string;
  alertId: string;
  status: RawAlert['status'];
  at: string;
  receivedAt: string;
  labels: Readonly<Record<string, string>>;
  reason: string;
  route?: string;
  /** Public but for its service name, which HERALD_SERVICES or the catalog does not list (counted apart). */
  unlistedService?: boolean;
}

const shown = (value: string): string => JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);

function matches(route: Route, alert: RawAlert): boolean {
  if (route.sources && !route.sources.includes(alert.source)) return false;
  for (const [label, value] of Object.entries(route.match)) if (alert.labels[label] !== value) return false;
  for (const [label, re] of Object.entries(route.matchRe)) {
    const value = alert.labels[label];
    if (value === undefined || !re.test(value)) return false;
  }
  return true;
}

function severityOf(route: Route, alert: RawAlert): Severity {
  const from = route.severityFrom;
  const mapped = from ? from.map[alert.labels[from.label] ?? ''] : undefined;
  return mapped ?? route.severity!;
}

/**
 * Without a routing file (pinned): public only with the label `public` = `true`, and then its
 * `service`, `feature` and `severity` labels are taken as they are, or the alert is not public.
 */
function routeByLabels(alert: RawAlert, features: readonly string[]): Routing {
  const { labels } = alert;
  if (labels.public !== 'true') return { public: false, reason: 'no label public="true" (without HERALD_ROUTES only such alerts are public)' };
  const service = publicServiceName.safeParse(labels.service ?? '');
  if (!service.success || service.data !== labels.service) {
    return { public: false, reason: `label service ${shown(labels.service ?? '')} cannot name a service in a tweet: letters, digits, spaces and _ & ' ( ) · - only` };
  }
  const feature = labels.feature ?? '';
  if (!features.includes(feature)) return { public: false, reason: `label feature ${shown(feature)} is not a feature the message catalog defines (messages/): ${features.join(', ')}` };
  const severity = labels.severity as Severity;
  if (!SEVERITIES.includes(severity)) return { public: false, reason: `label severity ${shown(labels.severity ?? '')} is not one of ${SEVERITIES.join(', ')}` };
  return { public: true, service: service.data, feature, severity, route: 'labels', ...labelFacts(labels) };
}

/**
 * The known values of the `platform`, `scope` and `phase` labels; anything else is ignored, as
 * label text is never trusted to reach a tweet (a typo then says less, never something wrong).
 */
export function labelFacts(labels: Readonly<Record<string, string>>): LabelFacts {
  const named = (labels.platform ?? '').split(/[\s,]+/).map((p) => p.toLowerCase());
  const platforms = PLATFORMS.filter((p) => named.includes(p));
  const scope = SCOPES.find((s) => s === labels.scope);
  const phase = PHASES.find((p) => p === labels.phase);
  return { ...(platforms.length > 0 && { platforms }), ...(scope && { scope }), ...(phase && { phase }) };
}

/** Decides whether `alert` is public and as which service, feature and severity. First matching route wins. */
export function routeAlert(table: RouteTable | undefined, alert: RawAlert, features: readonly string[] = FEATURES): Routing {
  if (!table) return routeByLabels(alert, features);
  const route = table.routes.find((r) => matches(r, alert));
  if (!route) return { public: false, reason: 'no route in HERALD_ROUTES matches its labels' };
  if (!route.public) return { public: false, reason: `route ${shown(route.name)} keeps it from the public`, route: route.name };
  // A feature no catalog gives words to is never guessed at: kept from the public, for a person to see.
  if (!features.includes(route.feature!)) return { public: false, reason: `route ${shown(route.name)} names feature ${shown(route.feature!)}, which the message catalog does not define (messages/): ${features.join(', ')}`, route: route.name };
  const fromLabels = labelFacts(alert.labels);
  const platforms = PLATFORMS.filter((p) => route.platforms?.includes(p) || fromLabels.platforms?.includes(p));
  return {
    public: true,
    service: route.service!,
    feature: route.feature!,
    severity: severityOf(route, alert),
    route: route.name,
    ...(platforms.length > 0 && { platforms }),
    ...((fromLabels.scope ?? route.scope) && { scope: fromLabels.scope ?? route.scope }),
    ...(fromLabels.phase && { phase: fromLabels.phase }),
    ...(route.incident && { group: route.incident }),
  };
}

/**
 * The incident a public alert joins: one per service and feature, so alerts from several sources
 * about the same loss join one incident (and one thread) while it is open.
 */
export function incidentKeyFor(service: string, feature: Feature | string): string {
  const slug = service
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  return `${slug || 'service'}-${feature}`;
}

/** Splits a webhook's alerts into incident events and the alerts the public never hears of. */
export function routeAlerts(
  table: RouteTable | undefined,
  alerts: readonly RawAlert[],
  receivedAt: string,
  features: readonly string[] = FEATURES,
  services?: ServiceList,
): { events: AlertEvent[]; unrouted: UnroutedAlert[] } {
  const events: AlertEvent[] = [];
  const unrouted: UnroutedAlert[] = [];
  for (const alert of alerts) {
    const routing = routeAlert(table, alert, features);
    const alertId = `${alert.source}:${alert.id}`;
    const { source, status, at, labels } = alert;
    if (!routing.public) {
      unrouted.push({ source, alertId, status, at, receivedAt, labels, reason: routing.reason, route: routing.route });
      continue;
    }
    if (!serviceListed(routing.service, services)) {
      unrouted.push({ source, alertId, status, at, receivedAt, labels, reason: unlistedServiceReason(routing.service), route: routing.route, unlistedService: true });
      continue;
    }
    const { service, feature, severity, platforms, scope, phase, group } = routing;
    events.push({
      key: incidentKeyFor(service, group ?? feature),
      status: alert.status === 'firing' ? 'open' : 'resolved',
      service,
      feature,
      severity,
      at: alert.at,
      source: alert.source,
      receivedAt,
      alertId,
      ...((platforms || group) && { impacts: [{ feature, ...(platforms && { platforms }) }] }),
      ...(scope && { scope }),
      ...(phase && { phase }),
    });
  }
  return { events, unrouted };
}
