/**
 * Every endpoint × every credential kind: a monitoring source's secret opens only its own webhook;
 * HERALD_API_TOKEN opens the API, Bull Board and /metrics; HERALD_METRICS_TOKEN only /metrics. As a
 * basic-auth password, herald's tokens only read /metrics and Bull Board.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { API_TOKEN, startTestHerald, TOKEN, type TestHerald } from './helpers/herald.ts';
import { SECRETS } from './helpers/monitoring.ts';

const METRICS_TOKEN = 'metrics-token-5c1e';

/** What a request needs: a permission of auth/access.ts, or the secret of one webhook. */
type Need = 'view' | 'decide' | 'audit' | 'admin' | 'scrape' | `webhook:${string}`;

const ENDPOINTS: { method: string; path: string; needs: Need; body?: unknown }[] = [
  { method: 'GET', path: '/api/incidents', needs: 'view' },
  { method: 'GET', path: '/api/incidents/no-such-incident', needs: 'view' },
  { method: 'GET', path: '/api/alerts/unrouted', needs: 'view' },
  { method: 'GET', path: '/api/incidents/no-such-incident/journal.json', needs: 'view' },
  { method: 'GET', path: '/api/incidents/no-such-incident/journal.md', needs: 'view' },
  { method: 'PATCH', path: '/api/incidents/no-such-incident/journal', needs: 'decide', body: { cause: 'x' } },
  { method: 'GET', path: '/api/reports?from=2026-05-01&to=2026-05-31', needs: 'view' },
  { method: 'GET', path: '/api/budget', needs: 'view' },
  { method: 'GET', path: '/api/x', needs: 'view' },
  { method: 'POST', path: '/api/x/resume', needs: 'admin' },
  { method: 'GET', path: '/api/drafts', needs: 'view' },
  { method: 'POST', path: '/api/incidents', needs: 'decide', body: {} },
  { method: 'GET', path: '/api/audit', needs: 'audit' },
  { method: 'GET', path: '/admin/queues', needs: 'view' },
  { method: 'GET', path: '/admin/queues/api/queues', needs: 'view' },
  // A queue that does not exist: allowed answers 404 from Bull Board, and nothing real is paused.
  { method: 'PUT', path: '/admin/queues/api/queues/no-such-queue/pause', needs: 'admin' },
  { method: 'POST', path: '/admin/queues/api/queues/no-such-queue/add', needs: 'admin', body: { name: 'x', data: {} } },
  { method: 'GET', path: '/metrics', needs: 'scrape' },
  ...['generic', 'alertmanager', 'grafana', 'pagerduty', 'datadog'].map((name) => ({ method: 'POST', path: `/webhooks/${name}`, needs: `webhook:${name}` as Need, body: {} })),
];

const ADMIN: Need[] = ['view', 'decide', 'audit', 'admin', 'scrape'];
const CREDENTIALS: { name: string; secret: string; opens: Need[] }[] = [
  { name: 'WEBHOOK_TOKEN', secret: TOKEN, opens: ['webhook:generic'] },
  { name: 'ALERTMANAGER_TOKEN', secret: SECRETS.ALERTMANAGER_TOKEN, opens: ['webhook:alertmanager'] },
  { name: 'GRAFANA_TOKEN', secret: SECRETS.GRAFANA_TOKEN, opens: ['webhook:grafana'] },
  { name: 'DATADOG_TOKEN', secret: SECRETS.DATADOG_TOKEN, opens: ['webhook:datadog'] },
  // Signing secrets are never sent themselves; sent as a token they open nothing at all.
  { name: 'PAGERDUTY_WEBHOOK_SECRET', secret: SECRETS.PAGERDUTY_WEBHOOK_SECRET, opens: [] },
  { name: 'WEBHOOK_HMAC_SECRET', secret: SECRETS.WEBHOOK_HMAC_SECRET, opens: [] },
  { name: 'HERALD_METRICS_TOKEN', secret: METRICS_TOKEN, opens: ['scrape'] },
  { name: 'HERALD_API_TOKEN', secret: API_TOKEN, opens: ADMIN },
  { name: 'a wrong token', secret: 'not-a-secret', opens: [] },
];

const FORMS = {
  bearer: (secret: string) => `Bearer ${secret}`,
  basic: (secret: string) => `Basic ${Buffer.from(`someone:${secret}`).toString('base64')}`,
};

describe('who may do what: every endpoint × every credential', () => {
  let t: TestHerald;
  before(async () => {
    t = await startTestHerald({ ...SECRETS, HERALD_METRICS_TOKEN: METRICS_TOKEN });
  });
  after(async () => t.close());

  async function status(method: string, path: string, authorization: string | undefined, body: unknown): Promise<number> {
    const headers: Record<string, string> = authorization ? { authorization } : {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(t.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    await res.arrayBuffer();
    return res.status;
  }

  for (const credential of CREDENTIALS) {
    for (const [form, header] of Object.entries(FORMS)) {
      it(`lets ${credential.name} (${form}) open exactly what it is for`, async () => {
        const wrong: string[] = [];
        for (const endpoint of ENDPOINTS) {
          // Alertmanager, Grafana and Datadog take their token as a basic-auth password too; the generic webhook only as a bearer token.
          // herald's own tokens as basic auth (what a browser keeps and sends by itself) only read, and only /metrics and Bull Board.
          const basicReads = endpoint.method === 'GET' && (endpoint.path === '/metrics' || endpoint.path.startsWith('/admin/queues'));
          const opens = credential.opens.includes(endpoint.needs) && !(form === 'basic' && endpoint.needs === 'webhook:generic') && !(form === 'basic' && !endpoint.needs.startsWith('webhook:') && !basicReads);
          const got = await status(endpoint.method, endpoint.path, header(credential.secret), endpoint.body);
          const refused = got === 401 || got === 403;
          if (opens === refused) wrong.push(`${endpoint.method} ${endpoint.path}: ${got}, expected ${opens ? 'open' : 'refused'}`);
        }
        assert.deepEqual(wrong, []);
      });
    }
  }

  it('refuses every endpoint but the public ones without credentials', async () => {
    for (const endpoint of ENDPOINTS) assert.equal(await status(endpoint.method, endpoint.path, undefined, endpoint.body), 401, `${endpoint.method} ${endpoint.path}`);
    for (const path of ['/healthz', '/readyz', '/healthz/x']) assert.equal(await status('GET', path, undefined, undefined), 200, path);
  });
});
