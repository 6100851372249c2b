import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { startTestHerald, type TestHerald } from './helpers/herald.ts';

/** A GET with the Host header a client chooses (fetch would write the real one). */
function getWithHost(t: TestHerald, path: string, host: string): Promise<{ status: number; body: string }> {
  const url = new URL(t.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject).end();
  });
}

const PUBLIC_PATHS = ['/status/feed.xml', '/status/maintenance.ics', '/status/summary.json'];

describe('the public links of the feeds and the summary', () => {
  let t: TestHerald;
  let plain: TestHerald;
  before(async () => {
    t = await startTestHerald({ HERALD_LOCALE: 'en', HERALD_TIMEZONE: 'UTC', HERALD_PUBLIC_URL: 'https://status.example.com' });
    plain = await startTestHerald({ HERALD_LOCALE: 'en', HERALD_TIMEZONE: 'UTC' });
  });
  after(async () => {
    await t.close();
    await plain.close();
  });

  for (const path of PUBLIC_PATHS) {
    it(`${path} links to HERALD_PUBLIC_URL, whatever Host the client sends`, async () => {
      const res = await getWithHost(t, path, 'evil.example');
      assert.equal(res.status, 200);
      assert.ok(res.body.includes('https://status.example.com/status'), 'the configured address');
      assert.equal(res.body.includes('evil.example'), false);
    });

    it(`${path} links to herald's own address when HERALD_PUBLIC_URL is unset, never to the Host header`, async () => {
      const res = await getWithHost(plain, path, 'evil.example');
      assert.equal(res.status, 200);
      assert.ok(res.body.includes('http://127.0.0.1:'), 'HOST:PORT from configuration');
      assert.equal(res.body.includes('evil.example'), false);
    });
  }

  for (const host of ['evil"example', 'evil example', "a'b:80"]) {
    it(`answers a Host header such as ${JSON.stringify(host)} with a coded 400, not a 500`, async () => {
      const res = await getWithHost(t, '/status/feed.xml', host);
      assert.equal(res.status, 400);
      const body = JSON.parse(res.body) as { code: string; details: string[] };
      assert.equal(body.code, 'HERALD_INVALID_PAYLOAD');
      assert.deepEqual(body.details, ['host']);
    });
  }
});
