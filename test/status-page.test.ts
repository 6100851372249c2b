import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readOutbox } from '../src/publish/outbox-publisher.ts';
import { event, settled, startTestHerald, type TestHerald } from './helpers/herald.ts';

const page = (t: TestHerald, path = '/status', headers: Record<string, string> = {}) => fetch(`${t.url}${path}`, { headers });

describe('the public status page', () => {
  let t: TestHerald;
  let ongoing: ReturnType<typeof event>;
  let fixed: ReturnType<typeof event>;
  before(async () => {
    t = await startTestHerald({ HERALD_LOCALE: 'en', HERALD_TIMEZONE: 'UTC', HERALD_X_USERNAME: 'herald_status', HERALD_FOLLOWUP_MINUTES: '0' });
    fixed = event({ feature: 'login' });
    await t.send(fixed);
    await t.fakeX.waitForPosts(1);
    await t.send({ ...fixed, status: 'resolved', at: '2026-05-20T00:30:00+09:00' });
    await t.fakeX.waitForPosts(2);
    ongoing = event();
    await t.send(ongoing);
    await t.fakeX.waitForPosts(3);
    await settled(t);
  });
  after(async () => t.close());

  it('is HTML anyone can read, cacheable, with no script', async () => {
    const res = await page(t);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.match(res.headers.get('cache-control') ?? '', /^public, max-age=\d+/);
    assert.ok(res.headers.get('etag'));
    assert.doesNotMatch(await res.text(), /<script/i);
  });

  it('answers 304 to a browser that has the current page', async () => {
    const first = await page(t);
    const again = await page(t, '/status', { 'if-none-match': first.headers.get('etag')! });
    assert.equal(again.status, 304);
    assert.equal(await again.text(), '');
  });

  it('shows the ongoing incident in the words of its tweet, linked to it on X', async () => {
    const html = await (await page(t)).text();
    const [, , announcement] = t.fakeX.posts;
    const current = html.slice(html.indexOf('Current incidents'), html.indexOf('Recent incidents'));
    assert.ok(current.includes('Ongoing'));
    assert.ok(current.includes(announcement!.text.replaceAll("'", '&#39;')), 'the tweet text, HTML-escaped');
    assert.ok(current.includes(`href="https://x.com/herald_status/status/${announcement!.id}"`));
  });

  it('shows the resolved incident with its whole thread among the recent ones', async () => {
    const html = await (await page(t)).text();
    const recent = html.slice(html.indexOf('Recent incidents'));
    const [open, reply] = t.fakeX.posts;
    assert.ok(recent.includes('Resolved'));
    assert.ok(recent.indexOf(`status/${open!.id}`) < recent.indexOf(`status/${reply!.id}`), 'the thread in order');
  });

  it('never shows raw alert data such as the incident key', async () => {
    const html = await (await page(t)).text();
    assert.equal(html.includes(ongoing.key), false);
    assert.equal(html.includes(fixed.key), false);
  });

  it('offers an Atom feed of the tweets, newest first', async () => {
    const res = await page(t, '/status/feed.xml');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/atom+xml; charset=utf-8');
    assert.ok(res.headers.get('etag'));
    const xml = await res.text();
    assert.match(xml, /<feed xmlns="http:\/\/www.w3.org\/2005\/Atom"/);
    const links = [...xml.matchAll(/<entry>[\s\S]*?<link href="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(links, [...t.fakeX.posts].reverse().map((p) => `https://x.com/herald_status/status/${p.id}`));
  });

  it('changes its ETag when a new tweet goes out', async () => {
    const before = (await page(t)).headers.get('etag');
    await t.send({ ...ongoing, status: 'resolved' });
    await t.fakeX.waitForPosts(4);
    await settled(t);
    const after = (await page(t)).headers.get('etag');
    assert.notEqual(after, before);
  });
});

describe('the status page in another locale', () => {
  it('speaks the account\'s language', async () => {
    const t = await startTestHerald({ HERALD_LOCALE: 'ko' });
    try {
      const html = await (await page(t)).text();
      assert.match(html, /<html lang="ko">/);
      assert.ok(html.includes('서비스 상태'));
    } finally {
      await t.close();
    }
  });
});

describe('the status page in dry-run', () => {
  let t: TestHerald;
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'herald-status-'));
    t = await startTestHerald({ X_APP_KEY: '', X_APP_SECRET: '', X_ACCESS_TOKEN: '', X_ACCESS_SECRET: '', HERALD_OUTBOX: join(dir, 'outbox.jsonl'), HERALD_LOCALE: 'en' });
  });
  after(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('shows the outbox threads and says they were not posted', async () => {
    await t.send(event());
    const [entry] = await t.waitFor(async () => {
      const entries = await readOutbox(join(dir, 'outbox.jsonl'));
      return entries.length === 1 ? entries : undefined;
    }, 'the outbox entry');
    await settled(t);
    const html = await t.waitFor(async () => {
      const text = await (await page(t)).text();
      return text.includes(`id="t-${entry!.id}"`) ? text : undefined;
    }, 'the outbox post on the page');
    assert.ok(html.includes('Dry run'));
    assert.ok(html.includes(entry!.text.replaceAll("'", '&#39;')));
    assert.doesNotMatch(html, /x\.com/);
  });
});
