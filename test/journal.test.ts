import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { main, type CliIo } from '../src/cli.ts';
import type { Incident } from '../src/incidents/model.ts';
import { emptyJournal, journalOf, timeline, xTweetLink } from '../src/journal/journal.ts';
import { periodReport } from '../src/journal/report.ts';
import { DateTime } from 'luxon';
import { API_TOKEN, event, REDIS_URL, settled, startTestHerald, type TestHerald } from './helpers/herald.ts';
import { resolvedIncident } from './helpers/incidents.ts';

describe('the journal, as pure functions', () => {
  it('orders the timeline from the outage start to the resolution reply', () => {
    const kinds = timeline(resolvedIncident, emptyJournal(), xTweetLink('kakao')).map((e) => e.kind);
    assert.deepEqual(kinds, ['outage-started', 'first-alert', 'announced', 'post-cancelled', 'resolved', 'resolution-posted']);
  });

  it('shows who edited and approved a post, with the text before and after', () => {
    const audited: Incident = {
      ...resolvedIncident,
      audit: [
        { at: '2026-05-20T00:02:00.000Z', actor: 'herald', action: 'drafted', postId: 'open', after: 'Login trouble?' },
        { at: '2026-05-20T00:03:00.000Z', actor: 'mina', action: 'edited', postId: 'open', before: 'Login trouble?', after: 'Login trouble' },
        { at: '2026-05-20T00:03:20.000Z', actor: 'mina', action: 'approved', postId: 'open' },
      ],
    };
    const approvals = timeline(audited, emptyJournal(), xTweetLink('kakao')).filter((e) => e.kind === 'approval');
    assert.deepEqual(
      approvals.map((e) => [e.by, e.detail]),
      [
        ['herald', 'drafted (open)'],
        ['mina', 'edited (open: "Login trouble?" → "Login trouble")'],
        ['mina', 'approved (open)'],
      ],
    );
  });

  it('links each tweet to its page on X under the configured username', () => {
    const journal = journalOf(resolvedIncident, emptyJournal(), xTweetLink('kakao'));
    assert.deepEqual(journal.thread.map((t) => t.url), ['https://x.com/kakao/status/100', 'https://x.com/kakao/status/101']);
    assert.equal(journal.threadUrl, 'https://x.com/kakao/status/100');
  });

  it('gives a dry-run post no link to X', () => {
    assert.equal(xTweetLink('kakao')('dry-m1abc-0011aa22'), undefined);
  });

  it('states time to announce and duration', () => {
    const journal = journalOf(resolvedIncident, emptyJournal(), xTweetLink(undefined));
    assert.equal(journal.timeToAnnounceSeconds, 150);
    assert.equal(journal.durationMinutes, 60);
  });

  it('summarises a period by feature, with the median time to announce', () => {
    const period = { from: DateTime.fromISO('2026-05-01T00:00:00Z'), to: DateTime.fromISO('2026-06-01T00:00:00Z') };
    const silent: Incident = { ...resolvedIncident, key: 'talk-pc-1', feature: 'pc', posts: [] };
    const report = periodReport([resolvedIncident, silent], period);
    assert.deepEqual(report.summary.byFeature, { login: { incidents: 1, durationMinutes: 60 }, pc: { incidents: 1, durationMinutes: 60 } });
    assert.equal(report.summary.silent, 1);
    assert.equal(report.summary.medianTimeToAnnounceSeconds, 150);
  });
});

describe('the journal over HTTP', () => {
  let t: TestHerald;
  let key: string;
  const auth = { authorization: `Bearer ${API_TOKEN}` };
  const patch = (k: string, body: unknown, headers: Record<string, string> = auth) =>
    fetch(`${t.url}/api/incidents/${k}/journal`, { method: 'PATCH', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  before(async () => {
    t = await startTestHerald({ HERALD_X_USERNAME: 'herald_status' });
    const e = event();
    key = e.key;
    await t.send(e);
    await t.fakeX.waitForPosts(1);
    await t.send({ ...e, status: 'resolved', at: '2026-05-20T00:45:00+09:00' });
    await t.fakeX.waitForPosts(2);
    await settled(t);
  });
  after(async () => t.close());

  it('exports the timeline and the thread with links as JSON', async () => {
    const res = await t.get(`/api/incidents/${key}/journal.json`);
    assert.equal(res.status, 200);
    const [open, reply] = t.fakeX.posts;
    assert.deepEqual(res.body.thread.map((tw: any) => [tw.kind, tw.url]), [
      ['open', `https://x.com/herald_status/status/${open!.id}`],
      ['resolved', `https://x.com/herald_status/status/${reply!.id}`],
    ]);
    assert.ok(res.body.timeline.some((e: any) => e.kind === 'announced' && e.tweetId === open!.id));
    assert.equal(typeof res.body.timeToAnnounceSeconds, 'number');
    assert.equal(res.body.durationMinutes, 45);
  });

  it('keeps what staff write and logs who edited which field, as the credential names them', async () => {
    const res = await patch(key, { cause: 'A config push to the message relay.', prevention: 'Canary the relay config.' });
    assert.equal(res.status, 200);
    const journal = (await res.json()) as any;
    assert.equal(journal.notes.cause, 'A config push to the message relay.');
    assert.deepEqual(journal.edits.map((e: any) => [e.by, e.fields]), [['api-token', ['cause', 'prevention']]]);
  });

  it('exports Markdown with the tweets and the notes', async () => {
    await patch(key, { retrospective: 'The announcement went out within the grace period.' });
    const res = await fetch(`${t.url}/api/incidents/${key}/journal.md`, { headers: { ...auth, 'accept-language': 'en' } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/markdown/);
    const md = await res.text();
    assert.match(md, new RegExp(`^# Incident ${key}`));
    assert.ok(md.includes(`> ${t.fakeX.posts[0]!.text.split('\n')[0]}`), 'the announcement is quoted');
    assert.match(md, /## Retrospective\n\nThe announcement went out within the grace period\./);
  });

  it('exports what came from outside escaped, with nosniff, and takes no editor name from the body', async () => {
    const e = event({ service: 'Talk & Friends (beta)_x' });
    await t.send(e);
    await t.fakeX.waitForPosts(3);
    await settled(t);
    assert.equal((await patch(e.key, { cause: 'x', editor: 'someone-else' })).status, 400, 'the editor comes from the credential');
    assert.equal((await patch(e.key, { cause: 'Relay <img src=x onerror=alert(1)> [click](javascript:alert(1))' })).status, 200);
    const res = await fetch(`${t.url}/api/incidents/${e.key}/journal.md`, { headers: { ...auth, 'accept-language': 'en' } });
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    const md = await res.text();
    assert.ok(md.includes('**Service:** Talk &amp; Friends \\(beta\\)\\_x'), md);
    assert.ok(md.includes('Relay &lt;img src=x onerror=alert(1)&gt;'), md);
    assert.ok(!md.includes('<img'));
    const json = await fetch(`${t.url}/api/incidents/${e.key}/journal.json`, { headers: auth });
    assert.equal(json.headers.get('x-content-type-options'), 'nosniff');
  });

  it('refuses an edit with an unknown field or a wrong type, naming each, and stores nothing', async () => {
    const before = await t.get(`/api/incidents/${key}/journal.json`);
    const res = await patch(key, { cause: 42, blame: 'bob' });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: string; details: string[] };
    assert.ok(body.details.some((d) => d.startsWith('cause:')), body.details.join('; '));
    assert.ok(body.details.some((d) => d.includes('blame')), body.details.join('; '));
    assert.deepEqual((await t.get(`/api/incidents/${key}/journal.json`)).body.edits, before.body.edits);
  });

  it('exports Markdown in the language the reader asks for, HERALD_LOCALE otherwise, and says it varies by it', async () => {
    const md = async (headers: Record<string, string>, query = '') => {
      const res = await fetch(`${t.url}/api/incidents/${key}/journal.md${query}`, { headers: { ...auth, ...headers } });
      assert.equal(res.headers.get('vary'), 'Accept-Language');
      return { language: res.headers.get('content-language'), text: await res.text() };
    };
    const japanese = await md({ 'accept-language': 'ja-JP,ja;q=0.9' });
    assert.equal(japanese.language, 'ja');
    assert.match(japanese.text, new RegExp(`^# 障害 ${key}\n`));
    assert.match(japanese.text, /## タイムライン/);
    assert.equal((await md({ 'accept-language': 'fr' })).language, 'ko', 'HERALD_LOCALE');
    assert.equal((await md({ 'accept-language': 'ja' }, '?lang=en')).language, 'en', 'the reader chose');
    // The machine-readable export is not translated: ISO times, herald's own words.
    const json = (await t.get(`/api/incidents/${key}/journal.json`, { ...auth, 'accept-language': 'ja' })).body;
    assert.match(json.openedAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/);
    assert.ok(json.timeline.some((e: { kind: string }) => e.kind === 'outage-started'));
  });

  it('answers 404 for the journal of an incident it never saw', async () => {
    assert.equal((await patch('no-such-incident', { cause: 'x' })).status, 404);
    assert.equal((await t.get('/api/incidents/no-such-incident/journal.json')).status, 404);
  });

  it('asks for the API token', async () => {
    assert.equal((await patch(key, { cause: 'x' }, {})).status, 401);
    assert.equal((await t.get(`/api/incidents/${key}/journal.json`, { authorization: 'Bearer nope' })).status, 401);
  });

  it('lists the incidents first seen in a period', async () => {
    const from = DateTime.utc().minus({ days: 1 }).toISO();
    const to = DateTime.utc().plus({ days: 1 }).toISO();
    const res = await t.get(`/api/reports?from=${from}&to=${to}`);
    assert.equal(res.status, 200);
    const row = res.body.incidents.find((r: any) => r.key === key);
    assert.deepEqual([row.feature, row.durationMinutes, row.tweets, row.announced], ['messaging', 45, 2, true]);
    const earlier = await t.get('/api/reports?from=2020-01-01&to=2020-02-01');
    assert.deepEqual(earlier.body.incidents, []);
  });

  it('refuses a period that is not two ISO dates in order', async () => {
    const res = await t.get('/api/reports?from=yesterday&to=2020-01-01');
    assert.equal(res.status, 400);
    assert.ok(res.body.details.some((d: string) => d.startsWith('from:')), res.body.details.join('; '));
    const backwards = await t.get('/api/reports?from=2026-02-01&to=2026-01-01');
    assert.equal(backwards.status, 400);
    assert.ok(backwards.body.details.some((d: string) => d.startsWith('to:')));
  });

  it('prints the same report from the command line', async () => {
    const out: string[] = [];
    const io: CliIo = { out: (s) => void out.push(s), err: (s) => void out.push(s), cwd: process.cwd(), env: { REDIS_URL, HERALD_REDIS_PREFIX: t.config.redisPrefix } };
    const from = DateTime.utc().minus({ days: 1 }).toISO()!;
    const to = DateTime.utc().plus({ days: 1 }).toISO()!;
    assert.equal(await main(['report', '--from', from, '--to', to, '--json'], io), 0, out.join(''));
    const report = JSON.parse(out.join(''));
    assert.ok(report.incidents.some((r: any) => r.key === key));
  });

  it('tells the command-line user which date is wrong', async () => {
    const err: string[] = [];
    const io: CliIo = { out: () => undefined, err: (s) => void err.push(s), cwd: process.cwd(), env: { REDIS_URL } };
    assert.equal(await main(['report', '--from', '2026-13-01', '--to', '2026-02-01'], io), 2);
    assert.match(err.join(''), /give --from and --to as dates/);
  });
});
