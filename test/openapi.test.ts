import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { openapiPath } from '../src/app/openapi.ts';
import { ERROR_CODES } from '../src/errors.ts';
import { OPENAPI_FILE, openapiText } from '../scripts/openapi.ts';
import { startTestHerald, type TestHerald } from './helpers/herald.ts';

type Document = { paths: Record<string, Record<string, { 'x-herald-permission'?: string; security?: unknown[] }>>; components: { schemas: Record<string, any> } };

const committed = (): Document => JSON.parse(readFileSync(OPENAPI_FILE, 'utf8'));

/**
 * The routes docs/http-api.md's table lists, as `METHOD /path`: each row's first cell names one or
 * more in backticks; a bare `/name` continues the path before it (`/grafana` after
 * `POST /webhooks/alertmanager`), a bare full path (`/status/<account>/summary.json`) stands alone.
 */
function documentedRoutes(): string[] {
  // `GET /api/incidents?limit=&page=` keeps its query, which the test holds to the parameters.
  const markdown = readFileSync(new URL('../docs/http-api.md', import.meta.url), 'utf8');
  const routes: string[] = [];
  for (const line of markdown.split('\n')) {
    const cell = /^\| (.*?) \|/.exec(line)?.[1];
    if (!cell || cell === 'route' || cell.startsWith('---')) continue;
    let method = '';
    let last = '';
    for (const [, code] of cell.matchAll(/`([^`]+)`/g)) {
      const named = /^(GET|POST|PATCH|PUT|DELETE) (\/[^\s?]*(?:\?\S*)?)$/.exec(code!);
      if (named) [, method, last] = named as unknown as [string, string, string];
      else if (/^\/\S+$/.test(code!) && method) last = code!.split('/').length > 2 ? code! : last.replace(/\/[^/]+$/, code!);
      else continue;
      routes.push(`${method} ${last.replace(/<(\w+)>/g, ':$1')}`);
    }
  }
  return routes;
}

describe('the OpenAPI document', () => {
  let t: TestHerald;
  before(async () => {
    t = await startTestHerald();
  });
  after(() => t.close());

  test('is a valid OpenAPI 3.1 document, by an OpenAPI schema validator', async () => {
    const validator = new Validator();
    const result = await validator.validate(readFileSync(OPENAPI_FILE, 'utf8'));
    assert.deepEqual(result.errors ?? [], []);
    assert.equal(result.valid, true);
    assert.equal(validator.version, '3.1');
  });

  test('docs/openapi.json is what `npm run openapi` writes, and what herald serves to anyone at /api/openapi.json', async () => {
    assert.equal(readFileSync(OPENAPI_FILE, 'utf8'), openapiText(), 'docs/openapi.json is out of date: run `npm run openapi`');
    const res = await fetch(`${t.url}/api/openapi.json`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(await res.json(), committed());
  });

  test('every route docs/http-api.md lists is in it, with its method and the query parameters it names', () => {
    const routes = documentedRoutes();
    assert.ok(routes.length >= 25, `the table parsed into ${routes.length} routes only: ${routes.join(', ')}`);
    const paths = committed().paths;
    const missing = routes.filter((r) => {
      const [method, target] = r.split(' ') as [string, string];
      const [path, query] = target.split('?') as [string, string | undefined];
      const op = paths[openapiPath(path)]?.[method.toLowerCase()] as { parameters?: { name: string; in: string }[] } | undefined;
      const params = new Set((op?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name));
      return !op || [...new URLSearchParams(query ?? '').keys()].some((name) => !params.has(name));
    });
    assert.deepEqual(missing, []);
  });

  test('every route herald serves under /api and /webhooks is in it, with the permission its route requires', () => {
    const served = t.herald.routes.filter((r) => r.method !== 'HEAD' && /^\/(api|webhooks)\//.test(r.url));
    assert.ok(served.length >= 35, `only ${served.length} routes recorded`);
    const paths = committed().paths;
    const problems = served.flatMap((r) => {
      const op = paths[openapiPath(r.url)]?.[r.method.toLowerCase()];
      if (!op) return [`${r.method} ${r.url} is not in the document`];
      return op['x-herald-permission'] === r.permission ? [] : [`${r.method} ${r.url} requires ${r.permission}, the document says ${op['x-herald-permission']}`];
    });
    assert.deepEqual(problems, []);
    // And nothing in the document under /api or /webhooks that herald does not serve.
    const servedKeys = new Set(served.map((r) => `${r.method.toLowerCase()} ${openapiPath(r.url)}`));
    const extra = Object.entries(paths).flatMap(([path, ops]) => (/^\/(api|webhooks)\//.test(path) ? Object.keys(ops).map((m) => `${m} ${path}`) : [])).filter((k) => !servedKeys.has(k));
    assert.deepEqual(extra, []);
  });

  test('names every error code of src/errors.ts in its error shape, and the webhooks\' own credentials', () => {
    const doc = committed() as Document & { components: { securitySchemes: Record<string, { name?: string }> } };
    assert.deepEqual(doc.components.schemas.Error.properties.code.enum, Object.keys(ERROR_CODES));
    assert.deepEqual(doc.components.schemas.Error.required, ['error', 'details']);
    const headers = Object.values(doc.components.securitySchemes).map((s) => s.name).filter(Boolean);
    assert.deepEqual(headers.sort(), ['X-Grafana-Alerting-Signature', 'X-Herald-Signature', 'X-PagerDuty-Signature', 'herald_session']);
    assert.deepEqual(doc.paths['/webhooks/generic']!.post!.security, [{ webhookToken: [] }, { heraldSignature: [] }]);
  });
});
