/**
 * Drives a route with many keep-alive connections through autocannon, in this process (never in
 * the server's). Every request gets its own body from a factory, so no two are deduplicated as one
 * retried delivery; latency is kept per response in full precision (autocannon's own histogram
 * rounds to whole milliseconds).
 */
import autocannon from 'autocannon';
import { percentile } from './stats.ts';

export interface LoadOptions {
  url: string;
  headers: Record<string, string>;
  /** Body of the i-th request (0-based). */
  body: (i: number) => unknown;
  connections: number;
  /** Stop after this many seconds... */
  seconds?: number;
  /** ...or after this many requests. */
  amount?: number;
}

export interface LoadResult {
  requests: number;
  /** Answers with a 2xx status. */
  ok: number;
  /** Answers with any other status, and connection errors or timeouts. */
  failed: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Status codes seen, for a failure message. */
  statuses: Record<number, number>;
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  let sequence = 0;
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  const started = performance.now();
  let instance!: autocannon.Instance;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon({
    url: o.url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...o.headers },
    // autocannon refuses more connections than requests ("connections cannot be greater than
    // amount"), which a quick run with the default 100 connections would otherwise ask for.
    connections: o.amount !== undefined ? Math.min(o.connections, o.amount) : o.connections,
    pipelining: 1,
    ...(o.amount !== undefined ? { amount: o.amount } : { duration: o.seconds ?? 5 }),
    timeout: 10,
    // autocannon notices the end of a run only at its sampling tick: 1 s by default.
    sampleInt: 100,
    requests: [{ setupRequest: (request) => ({ ...request, body: JSON.stringify(o.body(sequence++)) }) }],
    }, (err, result) => (err ? reject(err) : resolve(result)));
  });
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTimeMs: number) => {
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTimeMs);
  });
  const result = await done;
  const seconds = (performance.now() - started) / 1000;
  const answered = Object.values(statuses).reduce((a, b) => a + b, 0);
  const failed = answered - latencies.length + result.errors + result.timeouts;
  return {
    requests: answered,
    ok: latencies.length,
    failed,
    seconds,
    perSecond: latencies.length / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    statuses,
  };
}

/** Throws if any request failed: a benchmark of refusals measures nothing. */
export function assertAllOk(what: string, r: LoadResult): void {
  if (r.failed > 0 || r.ok === 0) throw new Error(`${what}: ${r.failed} of ${r.requests} requests failed (statuses ${JSON.stringify(r.statuses)})`);
}

/** One webhook, sent as monitoring would; returns the status and the answer's text. */
export async function postJson(url: string, headers: Record<string, string>, body: unknown): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, text: await res.text() };
}
