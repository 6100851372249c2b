import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { alertmanagerPayload } from '../bench/abuse.ts';
import { GENERIC_SIGNATURE_HEADER, GENERIC_TIMESTAMP_HEADER, signGeneric } from '../src/auth/signing.ts';
import { event, startTestHerald, TOKEN, type TestHerald } from './helpers/herald.ts';
import { deliver, fixture, pdEvent, SECRETS } from './helpers/monitoring.ts';

const signed = (body: string) => {
  const timestamp = String(Math.floor(Date.now() / 1000));
  return { authorization: '', [GENERIC_TIMESTAMP_HEADER]: timestamp, [GENERIC_SIGNATURE_HEADER]: signGeneric(SECRETS.WEBHOOK_HMAC_SECRET, timestamp, body) };
};

/** The slowest /healthz answer while `during` runs (asked every 20 ms). */
async function slowestHealthz(url: string, during: Promise<unknown>): Promise<number> {
  let done = false;
  void during.finally(() => (done = true)).catch(() => undefined);
  let worst = 0;
  while (!done) {
    const started = performance.now();
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    worst = Math.max(worst, performance.now() - started);
    await new Promise((r) => setTimeout(r, 20));
  }
  return worst;
}

describe('limits on what a sender may cost herald', () => {
  let t: TestHerald;
  before(async () => {
    t = await startTestHerald({ ...SECRETS, HERALD_REQUEST_TIMEOUT_SECONDS: '2', HERALD_MAX_FIRING_ALERTS_PER_INCIDENT: '50' });
  });
  after(async () => t.close());

  it('cuts off a body that trickles in slower than HERALD_REQUEST_TIMEOUT_SECONDS allows', async (ctx) => {
    const { hostname, port } = new URL(t.url);
    const started = performance.now();
    const closedAfterMs = await new Promise<number>((resolve) => {
      const socket = connect(Number(port), hostname, () => {
        socket.write(`POST /webhooks/generic HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`);
        const drip = setInterval(() => socket.write('{'), 500);
        socket.on('close', () => {
          clearInterval(drip);
          resolve(performance.now() - started);
        });
      });
      socket.on('error', () => undefined);
    });
    ctx.diagnostic(`slow body closed after ${Math.round(closedAfterMs)} ms (timeout 2000 ms)`);
    // The timeout, plus Node's check interval (a quarter of it) and room for a loaded machine.
    assert.ok(closedAfterMs < 8000, `kept ${closedAfterMs} ms`);
    assert.equal(await t.queuedEvents(), 0);
  });

  it('tells keep-alive clients that an idle connection lasts no longer than herald keeps it', async () => {
    const res = await fetch(`${t.url}/healthz`);
    await res.text();
    const advertised = Number(/timeout=(\d+)/.exec(res.headers.get('keep-alive') ?? '')?.[1]);
    // HERALD_REQUEST_TIMEOUT_SECONDS (2 here) also closes idle connections: a client told more
    // reuses a closed one (this file's next request after the 8 MB payload failed so).
    assert.ok(advertised > 0 && advertised <= 2, `Keep-Alive: ${res.headers.get('keep-alive')}`);
  });

  it('refuses 50,000 alerts in one payload with 413 naming the setting, while /healthz stays responsive', async (ctx) => {
    const body = JSON.stringify(alertmanagerPayload(50_000));
    const started = performance.now();
    const sending = deliver(t, 'alertmanager', body);
    const worst = await slowestHealthz(t.url, sending);
    const res = await sending;
    ctx.diagnostic(`${body.length} bytes refused in ${Math.round(performance.now() - started)} ms; slowest /healthz meanwhile ${Math.round(worst)} ms`);
    assert.equal(res.status, 413);
    assert.match(res.body.error, /50000 alerts.*at most 5000.*HERALD_MAX_ALERTS_PER_PAYLOAD/);
    assert.match(res.body.details[0], /max_alerts/);
    assert.equal(await t.queuedEvents(), 0);
    // Generous for a loaded machine: the figure before the limit was 3.6 s.
    assert.ok(worst < 1000, `/healthz took ${worst} ms`);
  });

  it('refuses firing alerts that would take an incident past its cap, and takes the same group again', async () => {
    const first = alertmanagerPayload(40, 'Cap Talk');
    assert.equal((await deliver(t, 'alertmanager', first)).status, 202);
    await t.waitFor(async () => (await t.get('/api/incidents/cap-talk-messaging')).body?.firingAlerts === 40, 'the 40 alerts to be applied');
    // Alertmanager sends the whole group again on its repeat interval: nothing new, so it passes.
    assert.equal((await deliver(t, 'alertmanager', first)).status, 202);
    const more = alertmanagerPayload(60, 'Cap Talk');
    const res = await deliver(t, 'alertmanager', more);
    assert.equal(res.status, 413);
    assert.match(res.body.error, /incident cap-talk-messaging would have more than 50 firing alerts \(HERALD_MAX_FIRING_ALERTS_PER_INCIDENT\)/);
  });

  it('reads a body that brings only a signature no further than the signed-body limit', async () => {
    const big = JSON.stringify({ ...event(), padding: 'x'.repeat(100_000) });
    const res = await t.send(big, { headers: signed(big) });
    assert.equal(res.status, 413);
    assert.match(res.body.error, /65536 bytes.*only a signature/);
  });

  it('refuses a replayed signed generic delivery with 409', async () => {
    const body = JSON.stringify(event());
    const headers = signed(body);
    assert.equal((await t.send(body, { headers })).status, 202);
    const again = await t.send(body, { headers });
    assert.equal(again.status, 409);
    assert.match(again.body.error, /already received/);
  });

  it('refuses a replayed Grafana delivery signed over a timestamp with 409, and takes a group sent again', async () => {
    const payload = fixture('grafana-webhook.json');
    const timestamp = String(Math.floor(Date.now() / 1000));
    assert.equal((await deliver(t, 'grafana', payload, { grafanaSignature: { timestamp } })).status, 202);
    const again = await deliver(t, 'grafana', payload, { grafanaSignature: { timestamp } });
    assert.equal(again.status, 409);
    assert.match(again.body.error, /already received/);
    // The same group on Grafana's next notification is signed over a new timestamp: not a replay.
    assert.equal((await deliver(t, 'grafana', payload, { grafanaSignature: { timestamp: String(Number(timestamp) + 1) } })).status, 202);
  });

  it('refuses a replayed PagerDuty delivery (same event id) with 409', async () => {
    const payload = pdEvent('incident.annotated', new Date().toISOString());
    assert.equal((await deliver(t, 'pagerduty', payload)).status, 202);
    assert.equal((await deliver(t, 'pagerduty', payload)).status, 409);
  });
});
