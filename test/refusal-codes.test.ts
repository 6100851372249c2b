/**
 * docs/errors.md promises that every refusal herald answers carries a code of src/errors.ts. One
 * request per place that refuses (each webhook check, each guard, each route's own 400, 404 and
 * 409, fastify's own refusals), against a real herald: each answer must name a documented code
 * whose status is the one answered.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { GENERIC_SIGNATURE_HEADER, GENERIC_TIMESTAMP_HEADER, signGeneric } from '../src/auth/signing.ts';
import { ERROR_CODES, type ErrorCode } from '../src/errors.ts';
import { event, startTestHerald, type TestHerald } from './helpers/herald.ts';
import { deliver, SECRETS } from './helpers/monitoring.ts';

const METRICS_TOKEN = 'metrics-token-77ab';
const DOC = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');

type Answer = { status: number; body: any };

/** An Alertmanager group of `count` firing alerts of one incident (bench/abuse.ts runs a benchmark when imported). */
const alertGroup = (count: number, service: string) => ({
  version: '4',
  status: 'firing',
  receiver: 'herald',
  groupKey: `{}:{alertname="${service}"}`,
  alerts: Array.from({ length: count }, (_, i) => ({ status: 'firing', labels: { public: 'true', service, feature: 'messaging', severity: 'major', i: String(i) }, startsAt: new Date(Date.now() - 60_000).toISOString() })),
});

const signedHeaders = (body: string, secret: string = SECRETS.WEBHOOK_HMAC_SECRET) => {
  const timestamp = String(Math.floor(Date.now() / 1000));
  return { authorization: '', [GENERIC_TIMESTAMP_HEADER]: timestamp, [GENERIC_SIGNATURE_HEADER]: signGeneric(secret, timestamp, body) };
};

describe('every refusal carries a documented code', () => {
  let t: TestHerald;
  before(async () => {
    // Datadog left unconfigured, so its webhook answers 404; tight caps to reach the 413s cheaply.
    const { DATADOG_TOKEN: _unset, ...secrets } = SECRETS;
    t = await startTestHerald({ ...secrets, HERALD_METRICS_TOKEN: METRICS_TOKEN, HERALD_MAX_ALERTS_PER_PAYLOAD: '10', HERALD_MAX_FIRING_ALERTS_PER_INCIDENT: '2' });
  });
  after(async () => t.close());

  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> =>
    fetch(t.url + path, {
      method,
      headers: { authorization: 'Bearer test-api-token', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    }).then(async (res) => ({ status: res.status, body: JSON.parse((await res.text()) || 'null') }));

  /** Each refusal: what it is, the status it has always had, and how to provoke it. */
  const REFUSALS: { what: string; status: number; code?: ErrorCode; send: () => Promise<Answer> }[] = [
    { what: 'a webhook that is not configured', status: 404, send: () => call('POST', '/webhooks/datadog', {}, { authorization: '' }) },
    { what: 'a webhook without its token', status: 401, code: 'HERALD_UNAUTHENTICATED', send: () => t.send(event(), { headers: { authorization: 'Bearer wrong' } }) },
    { what: 'a webhook whose signature does not match', status: 401, code: 'HERALD_UNAUTHENTICATED', send: () => t.send(JSON.stringify(event()), { headers: signedHeaders('another body') }) },
    { what: 'a webhook body that is not JSON', status: 400, code: 'HERALD_INVALID_PAYLOAD', send: () => t.send('{not json') },
    { what: 'a webhook payload with bad fields', status: 400, code: 'HERALD_INVALID_PAYLOAD', send: () => t.send(event({ severity: 'apocalyptic' })) },
    { what: 'a webhook time far off', status: 400, code: 'HERALD_INVALID_PAYLOAD', send: () => t.send(event({ at: '2199-01-01T00:00:00Z' })) },
    { what: 'more alerts than a payload may carry', status: 413, code: 'HERALD_TOO_LARGE', send: () => deliver(t, 'alertmanager', alertGroup(11, 'Payload Cap')) },
    { what: 'more firing alerts than an incident may have', status: 413, code: 'HERALD_TOO_LARGE', send: () => deliver(t, 'alertmanager', alertGroup(3, 'Firing Cap')) },
    {
      what: 'a signed delivery sent twice',
      status: 409,
      code: 'HERALD_REPLAYED',
      send: async () => {
        const body = JSON.stringify(event());
        const headers = signedHeaders(body);
        assert.equal((await t.send(body, { headers })).status, 202);
        return t.send(body, { headers });
      },
    },
    { what: 'a body over the limit', status: 413, code: 'HERALD_TOO_LARGE', send: () => t.send(JSON.stringify({ ...event(), padding: 'x'.repeat(300_000) })) },
    { what: 'the API without credentials', status: 401, code: 'HERALD_UNAUTHENTICATED', send: () => call('GET', '/api/incidents', undefined, { authorization: '' }) },
    { what: 'the API with a token that may not', status: 403, code: 'HERALD_FORBIDDEN', send: () => call('GET', '/api/incidents', undefined, { authorization: `Bearer ${METRICS_TOKEN}` }) },
    { what: 'an API body that is not JSON', status: 400, code: 'HERALD_INVALID_PAYLOAD', send: () => call('POST', '/api/incidents', '{not json') },
    { what: 'an unknown route', status: 404, code: 'HERALD_NOT_FOUND', send: () => call('GET', '/no/such/route') },
    { what: 'an unknown incident', status: 404, code: 'HERALD_NOT_FOUND', send: () => call('GET', '/api/incidents/no-such-incident') },
    { what: 'the audit of an unknown incident', status: 404, code: 'HERALD_NOT_FOUND', send: () => call('GET', '/api/incidents/no-such-incident/audit') },
    { what: 'the journal of an unknown incident (JSON)', status: 404, code: 'HERALD_NOT_FOUND', send: () => call('GET', '/api/incidents/no-such-incident/journal.json') },
    { what: 'the journal of an unknown incident (Markdown)', status: 404, code: 'HERALD_NOT_FOUND', send: () => call('GET', '/api/incidents/no-such-incident/journal.md') },
    { what: 'a journal edit of an unknown incident', status: 404, code: 'HERALD_NOT_FOUND', send: () => call('PATCH', '/api/incidents/no-such-incident/journal', { cause: 'a cable' }) },
    { what: 'a journal edit with bad fields', status: 400, code: 'HERALD_INVALID_PAYLOAD', send: () => call('PATCH', '/api/incidents/no-such-incident/journal', { mood: 'grim' }) },
    { what: 'a report over a bad period', status: 400, code: 'HERALD_INVALID_PAYLOAD', send: () => call('GET', '/api/reports?from=yesterday') },
    { what: 'facts with bad fields', status: 400, code: 'HERALD_INVALID_PAYLOAD', send: () => call('PATCH', '/api/incidents/no-such-incident', { phase: 'lunar' }) },
    { what: 'facts of an unknown outage', status: 404, code: 'HERALD_NOT_FOUND', send: () => call('PATCH', '/api/incidents/no-such-incident', { phase: 'identified' }) },
    { what: 'a thread attached to no tweet id', status: 400, code: 'HERALD_INVALID_PAYLOAD', send: () => call('POST', '/api/incidents/no-such-incident/thread', { tweetId: 'not-an-id' }) },
    {
      what: 'a thread attached to an incident that has one',
      status: 409,
      code: 'HERALD_CONFLICT',
      send: async () => {
        const e = event({ service: 'Threaded Talk' });
        await t.send(e);
        await t.fakeX.waitForPosts(1);
        await t.waitFor(async () => (await t.get(`/api/incidents/${e.key}`)).body?.tweets?.length === 1, 'the root tweet to be recorded');
        return call('POST', `/api/incidents/${e.key}/thread`, { tweetId: '1234567890' });
      },
    },
    { what: 'an unknown account', status: 404, code: 'HERALD_NOT_FOUND', send: () => call('POST', '/api/accounts/no-such-account/resume') },
    { what: 'an unknown draft', status: 404, send: () => call('GET', '/api/drafts/no-such-draft') },
    { what: 'an unknown console asset', status: 404, code: 'HERALD_NOT_FOUND', send: () => call('GET', '/console/assets/no-such-file.js') },
  ];

  for (const refusal of REFUSALS) {
    it(`answers ${refusal.what} with ${refusal.status} and a documented code`, async () => {
      const { status, body } = await refusal.send();
      assert.equal(status, refusal.status, JSON.stringify(body));
      assert.equal(typeof body?.error, 'string');
      assert.ok(Array.isArray(body.details), 'details is a list');
      const code = body.code as ErrorCode | undefined;
      assert.ok(code !== undefined && code in ERROR_CODES, `${refusal.what}: no code of src/errors.ts in ${JSON.stringify(body)}`);
      if (refusal.code) assert.equal(code, refusal.code);
      assert.equal(ERROR_CODES[code].status, status, `${code} is a ${ERROR_CODES[code].status} in the table`);
      assert.match(DOC, new RegExp(`\\| \`${code}\` \\| ${status} \\|`), `${code} is not in docs/errors.md with status ${status}`);
    });
  }

  it('accepted nothing from any of the refused webhooks', async () => {
    const keys = (await call('GET', '/api/incidents?limit=200')).body.map((i: { key: string }) => i.key);
    assert.ok(!keys.some((key: string) => /payload-cap|firing-cap/.test(key)), keys.join(', '));
  });
});
