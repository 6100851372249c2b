import { randomUUID } from 'node:crypto';
/**
 * Monitoring payloads for tests, built from the fixtures in test/fixtures (written from each tool's
 * documented webhook format), and a way to deliver them the way each tool authenticates.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach } from 'node:test';
import { GRAFANA_SIGNATURE_HEADER, GRAFANA_TIMESTAMP_HEADER, signGrafana } from '../../src/ingest/grafana.ts';
import { PAGERDUTY_SIGNATURE_HEADER, signPagerDuty } from '../../src/ingest/pagerduty.ts';
import { settled, startTestHerald, type TestHerald } from './herald.ts';

export const SECRETS = {
  ALERTMANAGER_TOKEN: 'am-token-3f9a',
  GRAFANA_TOKEN: 'grafana-token-77c1',
  PAGERDUTY_WEBHOOK_SECRET: 'pd-signing-secret-0b2e',
  DATADOG_TOKEN: 'dd-token-a41d',
  WEBHOOK_HMAC_SECRET: 'generic-hmac-secret-9e8d',
} as const;

export type MonitoringSource = 'alertmanager' | 'grafana' | 'pagerduty' | 'datadog';

/** A fresh copy of a fixture, to change freely. */
export function fixture(name: string): any {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'));
}

export const FIXTURES: Record<MonitoringSource, string> = {
  alertmanager: 'alertmanager-v4.json',
  grafana: 'grafana-webhook.json',
  pagerduty: 'pagerduty-v3-triggered.json',
  datadog: 'datadog-webhook.json',
};

const PUBLIC_LABELS = { public: 'true', service: 'KakaoTalk', feature: 'messaging', severity: 'major' };

/** Monitoring times in the recent past, fixed for the run so repeated notifications are identical. */
const HOUR_AGO = Date.now() - 3600_000;
export const minutesAfterStart = (minutes: number): string => new Date(HOUR_AGO + minutes * 60_000).toISOString();

/** One Alertmanager alert shaped like the fixture's first, with its own fingerprint. */
export function amAlert(fingerprint: string, status: 'firing' | 'resolved', options: { labels?: Record<string, string>; startsAt?: string; endsAt?: string } = {}) {
  const startsAt = options.startsAt ?? minutesAfterStart(0);
  return {
    status,
    labels: { alertname: 'MessageDeliveryErrorBudgetBurn', instance: `gw-${fingerprint}`, ...PUBLIC_LABELS, ...options.labels },
    annotations: { summary: `errors on gw-${fingerprint}` },
    startsAt,
    endsAt: status === 'resolved' ? (options.endsAt ?? minutesAfterStart(38)) : '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus.talk.internal:9090/graph',
    fingerprint,
  };
}

/** An Alertmanager v4 group notification carrying `alerts`. */
export function amNotification(alerts: unknown[]) {
  const payload = fixture(FIXTURES.alertmanager);
  const firing = alerts.some((a) => (a as { status: string }).status === 'firing');
  return { ...payload, alerts, status: firing ? 'firing' : 'resolved' };
}

/** A PagerDuty v3 webhook for `type` about the fixture's incident, changed by `data`. */
export function pdEvent(type: string, occurredAt: string, data: Record<string, unknown> = {}) {
  const payload = fixture(FIXTURES.pagerduty);
  // Every PagerDuty delivery has an event id of its own; herald refuses one it has seen (a replay).
  payload.event.id = `01${randomUUID().replaceAll('-', '').slice(0, 24).toUpperCase()}`;
  payload.event.event_type = type;
  payload.event.occurred_at = occurredAt;
  Object.assign(payload.event.data, data);
  return payload;
}

export interface DeliverOptions {
  /** Grafana: sign the body instead of sending the token (optionally with a timestamp). */
  grafanaSignature?: { timestamp?: string };
  /** Replaces the auth headers the tool would send. */
  headers?: Record<string, string>;
}

/** The headers a tool sends with `body`, the way docs/sources.md tells people to configure it. */
export function toolHeaders(source: MonitoringSource, body: string, options: DeliverOptions = {}): Record<string, string> {
  if (options.headers) return options.headers;
  switch (source) {
    case 'alertmanager':
      return { authorization: `Bearer ${SECRETS.ALERTMANAGER_TOKEN}` };
    case 'datadog':
      return { authorization: `Bearer ${SECRETS.DATADOG_TOKEN}` };
    case 'pagerduty':
      return { authorization: '', [PAGERDUTY_SIGNATURE_HEADER]: signPagerDuty(SECRETS.PAGERDUTY_WEBHOOK_SECRET, body) };
    case 'grafana': {
      const signed = options.grafanaSignature;
      if (!signed) return { authorization: `Bearer ${SECRETS.GRAFANA_TOKEN}` };
      const ts = signed.timestamp;
      return {
        authorization: '',
        [GRAFANA_SIGNATURE_HEADER]: signGrafana(SECRETS.GRAFANA_TOKEN, body, ts),
        ...(ts === undefined ? {} : { [GRAFANA_TIMESTAMP_HEADER]: ts }),
      };
    }
  }
}

/** POSTs `payload` to the source's route as the tool would. */
export function deliver(t: TestHerald, source: MonitoringSource, payload: unknown, options: DeliverOptions = {}) {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return t.send(body, { path: `/webhooks/${source}`, headers: toolHeaders(source, body, options) });
}

/** Writes a routing file for `HERALD_ROUTES` and returns its path. */
export function routesFile(yaml: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'herald-routes-')), 'routes.yaml');
  writeFileSync(path, yaml);
  return path;
}

/**
 * A herald for the enclosing `describe`, started once, with quiet queues and an empty fake X
 * before each test. Call the returned function inside a test to get it.
 */
export function suiteHerald(env: () => Record<string, string>): () => TestHerald {
  let t: TestHerald | undefined;
  before(async () => {
    t = await startTestHerald(env());
  });
  after(async () => t?.close());
  beforeEach(async () => {
    await settled(t!);
    t!.fakeX.reset();
  });
  return () => t!;
}
