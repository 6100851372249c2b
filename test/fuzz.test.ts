/**
 * Mutated payloads of every webhook format: herald answers each with 202, 400, 401, 409 (a replayed signed delivery) or 413, never a
 * 5xx, and a refusal writes nothing (no event queued, no unrouted alert recorded). Deterministic:
 * the seed is printed with any failure; FUZZ_RUNS raises the count per format.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { describe, it } from 'node:test';
import { ERROR_CODES } from '../src/errors.ts';
import { GENERIC_SIGNATURE_HEADER, GENERIC_TIMESTAMP_HEADER, signGeneric } from '../src/auth/signing.ts';
import { event, startTestHerald, TOKEN, type TestHerald } from './helpers/herald.ts';
import { amAlert, amNotification, fixture, FIXTURES, pdEvent, SECRETS, toolHeaders, type MonitoringSource } from './helpers/monitoring.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 3000);
const SEED = Number(process.env.FUZZ_SEED ?? 20260520);

/** mulberry32: small, fast, good enough to spread mutations, and reproducible from the seed. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick };
}
type Rng = ReturnType<typeof rng>;

const STRINGS = [
  '', ' ', 'x', 'firing', 'resolved', 'pending', 'Triggered', 'Recovered', 'Warn', 'incident.triggered', 'incident.resolved',
  'true', 'false', 'null', '4', '1', 'KakaoTalk', 'messaging', 'critical', 'minor', '@everyone', '#outage', 'https://evil.example',
  'line\nbreak', '\u0000', '\u202e', '😀', '카카오톡', '0001-01-01T00:00:00Z', '2026-05-20T00:00:00+09:00', '2026-13-45T99:99:99Z',
  '2026-05-20T00:00:00', '1779235200000', '-1', '1e309', 'x'.repeat(5000),
];

function randomValue(r: Rng, depth = 0): unknown {
  switch (r.int(depth > 2 ? 6 : 9)) {
    case 0: return null;
    case 1: return r.pick([0, -1, 1, 4, 1.5, 1e308, -1e308, 2 ** 53, 1779235200000]);
    case 2: return r.pick([true, false]);
    case 3:
    case 4:
    case 5: return r.pick(STRINGS);
    case 6: return [];
    case 7: return {};
    default: return Array.from({ length: r.int(3) + 1 }, () => randomValue(r, depth + 1));
  }
}

type Path = (string | number)[];

function paths(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) paths(v, [...prefix, Array.isArray(value) ? Number(k) : k], out);
  }
  return out;
}

function setAt(root: any, path: Path, change: (parent: any, key: string | number) => void): unknown {
  if (path.length === 0) return root;
  let parent = root;
  for (const key of path.slice(0, -1)) parent = parent[key];
  change(parent, path[path.length - 1]!);
  return root;
}

/** One to three structural or textual mutations of `base`. */
function mutate(r: Rng, base: unknown): string {
  let value: any = structuredClone(base);
  let text: string | undefined;
  for (let n = r.int(3) + 1; n > 0; n--) {
    const all = paths(value);
    const path = r.pick(all);
    switch (r.int(8)) {
      case 0: // drop a field or an array element
        value = path.length === 0 ? undefined : setAt(value, path, (p, k) => (Array.isArray(p) ? p.splice(Number(k), 1) : delete p[k]));
        break;
      case 1:
      case 2: // change its type or value
        value = path.length === 0 ? randomValue(r) : setAt(value, path, (p, k) => (p[k] = randomValue(r)));
        break;
      case 3: // add a field nobody expects
        value = setAt(value, [...path, `extra_${r.int(100)}`], (p, k) => {
          if (p && typeof p === 'object' && !Array.isArray(p)) p[k] = randomValue(r);
        });
        break;
      case 4: // duplicate an array element many times
        value = setAt(value, path, (p, k) => {
          if (Array.isArray(p[k]) && p[k].length > 0) p[k].push(...Array.from({ length: r.int(8) }, () => structuredClone(p[k][0])));
        });
        break;
      default:
        text = JSON.stringify(value) ?? '';
    }
    if (text !== undefined) break;
  }
  text = JSON.stringify(value) ?? '';
  switch (r.int(10)) {
    case 0:
      return text.slice(0, r.int(text.length + 1)); // cut short
    case 1: {
      const at = r.int(text.length + 1); // a stray character
      return text.slice(0, at) + r.pick(['{', '}', '"', ',', ':', '\\', '\u0000', 'é']) + text.slice(at + 1);
    }
    default:
      return text;
  }
}

type Format = MonitoringSource | 'generic';

const BASES: Record<Format, unknown[]> = {
  generic: [event({ key: 'fuzz-generic' }), event({ key: 'fuzz-generic', status: 'resolved' })],
  alertmanager: [fixture(FIXTURES.alertmanager), amNotification([amAlert('fz1', 'firing'), amAlert('fz2', 'resolved')])],
  grafana: [fixture(FIXTURES.grafana)],
  pagerduty: [fixture(FIXTURES.pagerduty), pdEvent('incident.resolved', '2026-05-20T04:00:00Z', { status: 'resolved' }), pdEvent('incident.annotated', '2026-05-20T04:00:00Z')],
  datadog: [fixture(FIXTURES.datadog), { ...fixture(FIXTURES.datadog), transition: 'Recovered' }],
};

function headersFor(format: Format, body: string, r: Rng): Record<string, string> {
  const forged = r.int(10) === 0;
  if (format === 'generic') {
    if (r.int(2) === 0) return { authorization: `Bearer ${forged ? 'nope' : TOKEN}` };
    const ts = String(Math.floor(Date.now() / 1000));
    const signature = signGeneric(forged ? 'wrong-secret' : SECRETS.WEBHOOK_HMAC_SECRET, ts, body);
    return { authorization: '', [GENERIC_TIMESTAMP_HEADER]: ts, [GENERIC_SIGNATURE_HEADER]: signature };
  }
  const signedBody = forged && (format === 'pagerduty' || format === 'grafana') ? `${body} ` : body;
  const headers = toolHeaders(format, signedBody, format === 'grafana' && r.int(2) === 0 ? { grafanaSignature: {} } : {});
  if (forged && headers.authorization?.startsWith('Bearer ')) headers.authorization = 'Bearer wrong';
  return headers;
}

// node:http with keep-alive: thousands of requests cost a fraction of what fetch costs.
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function post(url: string, headers: Record<string, string>, body: string): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        let json: any = null;
        try {
          json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          // not JSON: the assertion below says so
        }
        resolve({ status: res.statusCode ?? 0, json });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** What a refusal must leave untouched: the queued events and the newest unrouted record. */
async function written(t: TestHerald): Promise<string> {
  const prefix = t.config.redisPrefix;
  const replies = await t.redis.pipeline().llen(`${prefix}:events:wait`).zrevrange(`${prefix}:unrouted:seen`, 0, 0, 'WITHSCORES').exec();
  const [[, queued], [, newest]] = replies as [[null, number], [null, string[]]];
  return `${queued}/${newest.join(':')}`;
}

async function fuzz(t: TestHerald, format: Format) {
  const r = rng(SEED + format.length);
  const answers: Record<number, number> = {};
  let state = await written(t);
  for (let i = 0; i < RUNS; i++) {
    const oversize = r.int(400) === 0 && format !== 'alertmanager' && format !== 'grafana';
    const body = oversize ? JSON.stringify({ ...(BASES[format][0] as object), pad: 'x'.repeat(300 * 1024) }) : mutate(r, r.pick(BASES[format]));
    const res = await post(`${t.url}/webhooks/${format}`, { 'content-type': 'application/json', ...headersFor(format, body, r) }, body);
    const answer = res.json;
    answers[res.status] = (answers[res.status] ?? 0) + 1;
    const context = `seed ${SEED}, run ${i}, body ${body.slice(0, 300)}: ${res.status} ${JSON.stringify(answer)?.slice(0, 300)}`;
    assert.ok([202, 400, 401, 409, 413].includes(res.status), context);
    assert.ok(answer && typeof answer === 'object', `every answer is JSON: ${context}`);
    const now = await written(t);
    if (res.status !== 202) {
      assert.equal(typeof answer.error, 'string', context);
      assert.ok(Array.isArray(answer.details), context);
      assert.ok(answer.code in ERROR_CODES, `a refusal without a code of src/errors.ts: ${context}`);
      assert.equal(now, state, `a refusal wrote something: ${context}`);
    }
    state = now;
  }
  // The mutations reach every kind of answer, or the test would prove little.
  for (const status of [202, 400, 401]) assert.ok((answers[status] ?? 0) > 0, `no ${status} among ${JSON.stringify(answers)}`);
}

// One herald per format. No workers: accepted events stay in the queue, where a refusal's effect
// (none) can be seen. Each format has 5 minutes, not npm test's 2: what is checked is the answers,
// not their speed, and beside other test files on two cores 3000 payloads can pass 2 minutes.
describe('fuzzed webhooks', () => {
  for (const format of Object.keys(BASES) as Format[]) {
    it(`answers ${RUNS} mutated ${format} payloads with 202, 400, 401, 409 or 413 and writes nothing when refusing`, { timeout: 300_000 }, async () => {
      const t = await startTestHerald({ ...SECRETS }, { role: 'api' });
      try {
        await fuzz(t, format);
        assert.equal((await t.send(event())).status, 202, 'still serving');
      } finally {
        await t.close();
      }
    });
  }
});
