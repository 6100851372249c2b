/**
 * What the benchmarks send. A webhook source is benchmarked by naming its route and a payload
 * factory; adding one (Alertmanager's grouped payloads, say) is one more entry in `INGEST_TARGETS`
 * and, for storms, in `STORM_SCENARIOS`.
 */
import { BENCH_TOKEN } from './lib/service.ts';

export interface WebhookTarget {
  /** Name in the report. */
  name: string;
  /** herald's route, e.g. `/webhooks/generic`. */
  route: string;
  headers: Record<string, string>;
  /** Alerts carried by one webhook (grouped formats carry several), so alerts/s can be reported. */
  alertsPerWebhook: number;
  /** The i-th webhook of the run `run`: each one distinct, so none is deduplicated as a retry. */
  payload(i: number, run: string): unknown;
}

const bearer = { authorization: `Bearer ${BENCH_TOKEN}` };
const BASE_MS = Date.parse('2026-05-20T00:00:00+09:00');
const at = (i: number) => new Date(BASE_MS + i * 1000).toISOString();

export const genericTarget: WebhookTarget = {
  name: 'generic',
  route: '/webhooks/generic',
  headers: bearer,
  alertsPerWebhook: 1,
  payload: (i, run) => ({ key: `bench-${run}-${i}`, status: 'open', service: 'KakaoTalk', feature: 'messaging', severity: 'major', at: at(i) }),
};

/** Every ingest target measured by `npm run bench -- ingest`. */
export const INGEST_TARGETS: WebhookTarget[] = [genericTarget];

export interface StormScenario {
  name: string;
  route: string;
  headers: Record<string, string>;
  alertsPerWebhook: number;
  /** The i-th alert of one outage, keyed `key`: same incident, each alert distinct. */
  alert(i: number, key: string): unknown;
  /** The alert that says the outage is over. */
  resolve(key: string): unknown;
}

export const genericStorm: StormScenario = {
  name: 'generic',
  route: '/webhooks/generic',
  headers: bearer,
  alertsPerWebhook: 1,
  // Many monitors firing for one outage: one key, distinct times, now and then a graver severity.
  alert: (i, key) => ({ key, status: 'open', service: 'KakaoTalk', feature: 'messaging', severity: i % 100 === 99 ? 'critical' : 'major', at: at(i) }),
  resolve: (key) => ({ key, status: 'resolved', service: 'KakaoTalk', feature: 'messaging', severity: 'major', at: at(1_000_000) }),
};

export const STORM_SCENARIOS: StormScenario[] = [genericStorm];

/** An incident of its own per call, with a service name of its own so no two tweets share a text. */
export const announceTarget = {
  route: '/webhooks/generic',
  headers: bearer,
  payload: (i: number, run: string) => ({ key: `announce-${run}-${i}`, status: 'open', service: `Service ${run} ${i}`, feature: 'messaging', severity: 'major' }),
};
