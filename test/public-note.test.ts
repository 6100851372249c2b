import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { main } from '../src/cli.ts';
import { DEFAULT_MESSAGES_DIR, loadCatalog } from '../src/compose/catalog.ts';
import { composeTweet, incidentSteps, type ComposeInput } from '../src/compose/compose.ts';
import { decideApproval } from '../src/approval/policy.ts';
import { apiCall, ConsoleClient, consoleEnv, PEOPLE } from './helpers/console.ts';
import { API_TOKEN, event, settled, startTestHerald, type TestHerald } from './helpers/herald.ts';

/**
 * Staff's public note (issue 24): the cause, in their words, set from the API, the CLI or the
 * console; it goes out only through the approval policy, later follow-ups and the resolution
 * carry it, and monitoring can never set it.
 */
const NOTE = 'A storage fault in the login servers';
const KO_NOTE = '인증 서버의 저장 장치가 고장 났어요';

describe('a public note set by staff', () => {
  let t: TestHerald;
  before(async () => {
    t = await startTestHerald(await consoleEnv({ HERALD_GRACE_SECONDS: '0', HERALD_APPROVAL: 'auto', HERALD_X_BUDGET_15MIN: '100' }));
  });
  after(async () => t.close());

  const patch = async (key: string, body: unknown) => {
    const res = await fetch(`${t.url}/api/incidents/${encodeURIComponent(key)}`, { method: 'PATCH', headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as any };
  };
  const drafts = async (key: string): Promise<string[]> => ((await apiCall(t.url, 'GET', '/api/drafts')).body as { id: string }[]).map((d) => d.id).filter((id) => id.startsWith(`${key}~`));

  /** The incident once its thread holds `count` tweets. */
  const tweetsOf = (key: string, count: number, what: string) =>
    t.waitFor(async () => {
      const r = await t.get(`/api/incidents/${key}`);
      return r.body?.tweets?.length === count ? r : undefined;
    }, what);

  async function announced(name: string) {
    const e = event({ key: `note-${name}`, service: `Note ${name.replace(/[^a-z]/g, ' ')}`, at: new Date().toISOString().replace('Z', '+00:00') });
    assert.equal((await t.send(e)).status, 202);
    await t.waitFor(async () => ((await t.get(`/api/incidents/${e.key}`)).body?.tweets?.length === 1 ? true : undefined), 'the announcement');
    return e.key as string;
  }

  it('through the API plans a follow-up that waits for a person even when nothing else needs approval, and carries the note once approved', async () => {
    const key = await announced('api');
    const res = await patch(key, { publicNote: NOTE });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.changed, ['publicNote']);
    assert.deepEqual(res.body.scheduled, ['update-1']);
    // A plain text is in herald's language (HERALD_LOCALE, English here).
    assert.deepEqual(res.body.publicNote.texts, { en: NOTE });
    assert.equal(res.body.publicNote.by, 'api-token');
    assert.deepEqual(await drafts(key), [`${key}~update-1`]);
    assert.equal((await t.get(`/api/incidents/${key}`)).body.tweets.length, 1, 'nothing went out before approval');
    assert.equal((await apiCall(t.url, 'POST', `/api/drafts/${key}~update-1/approve`)).status, 200);
    const api = await tweetsOf(key, 2, 'the approved follow-up');
    assert.match(api.body.tweets[1].text, new RegExp(`Cause: ${NOTE}\\.`));
    await t.send(event({ key, service: 'Note api', status: 'resolved' }));
    const resolved = await tweetsOf(key, 3, 'the resolution');
    assert.match(resolved.body.tweets[2].text, new RegExp(NOTE), 'the resolution carries the note');
    await settled(t);
  });

  const draft = async (key: string) => (await apiCall(t.url, 'GET', `/api/drafts/${key}~update-1`)).body as { text: string; note: string | null; deadline: string };
  const journalOf = async (key: string) => JSON.stringify((await t.get(`/api/incidents/${key}/journal.json`)).body);
  const CORRECTED = 'A failed storage update in the login servers';

  it('changed while its follow-up still waits: that one draft is recomposed with the new note, and approving it posts the new words', async () => {
    const key = await announced('change');
    assert.equal((await patch(key, { publicNote: NOTE })).status, 200);
    const first = await draft(key);
    assert.match(first.text, new RegExp(`Cause: ${NOTE}\\.`));
    const res = await patch(key, { publicNote: CORRECTED });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.scheduled, [], 'no second follow-up is planned');
    assert.deepEqual(await drafts(key), [`${key}~update-1`], 'one draft, carrying the current note');
    const second = await draft(key);
    assert.match(second.text, new RegExp(`Cause: ${CORRECTED}\\.`));
    assert.doesNotMatch(second.text, new RegExp(NOTE));
    assert.ok(Date.parse(second.deadline) >= Date.parse(first.deadline), 'the approver gets the full time to read the new text');
    assert.match(await journalOf(key), /recomposed \(update-1: /);
    assert.equal((await apiCall(t.url, 'POST', `/api/drafts/${key}~update-1/approve`)).status, 200);
    const api = await tweetsOf(key, 2, 'the approved follow-up');
    assert.match(api.body.tweets[1].text, new RegExp(`Cause: ${CORRECTED}\\.`));
    await settled(t);
  });

  it('removed while its follow-up still waits: the draft no longer gives a cause', async () => {
    const key = await announced('remove');
    assert.equal((await patch(key, { publicNote: NOTE })).status, 200);
    assert.equal((await patch(key, { publicNote: null })).status, 200);
    assert.deepEqual(await drafts(key), [`${key}~update-1`]);
    assert.doesNotMatch((await draft(key)).text, /Cause:/);
  });

  it('changed after a person rewrote the draft: their text stays, and the draft and the journal say the note changed', async () => {
    const key = await announced('edited');
    assert.equal((await patch(key, { publicNote: NOTE })).status, 200);
    const mine = `Login is failing for some people. Cause: ${NOTE}. More soon.`;
    assert.equal((await apiCall(t.url, 'PATCH', `/api/drafts/${key}~update-1`, { text: mine })).status, 200);
    assert.equal((await patch(key, { publicNote: CORRECTED })).status, 200);
    const kept = await draft(key);
    assert.equal(kept.text, mine);
    assert.match(kept.note ?? '', /public note changed after a person wrote this text/);
    assert.match(await journalOf(key), /note not applied \(update-1: the public note changed/);
  });

  const tweetsText = async (key: string, count: number, what: string): Promise<string> => (await tweetsOf(key, count, what)).body.tweets[count - 1].text;
  const reject = async (key: string, postId: string) => assert.equal((await apiCall(t.url, 'POST', `/api/drafts/${key}~${postId}/reject`, { reason: 'not this cause' })).status, 200);
  const THIRD = 'A storage fault we are still confirming';

  it('reaches a post nobody reviews only as a person approved it: not before, not changed since, not once removed', async () => {
    const key = await announced('guard');
    // Set, and its draft rejected: the follow-up monitoring plans next (no approval under auto) says no cause.
    assert.deepEqual((await patch(key, { publicNote: NOTE })).body.scheduled, ['update-1']);
    await reject(key, 'update-1');
    await t.send(event({ key, service: 'Note guard', status: 'update', phase: 'identified' }));
    assert.doesNotMatch(await tweetsText(key, 2, 'the unreviewed follow-up'), /Cause:|storage/);
    // Set again and approved: its follow-up, and the next one nobody reviews, say it.
    assert.deepEqual((await patch(key, { publicNote: CORRECTED })).body.scheduled, ['update-3']);
    assert.equal((await apiCall(t.url, 'POST', `/api/drafts/${key}~update-3/approve`)).status, 200);
    assert.match(await tweetsText(key, 3, 'the approved follow-up'), new RegExp(`Cause: ${CORRECTED}\\.`));
    await t.send(event({ key, service: 'Note guard', status: 'update', phase: 'monitoring' }));
    assert.match(await tweetsText(key, 4, 'the next follow-up'), new RegExp(CORRECTED), 'an approved note goes on');
    const stored = (await t.get(`/api/incidents/${key}`)).body.publicNote;
    assert.deepEqual(stored.approved.texts, { en: CORRECTED });
    assert.equal(stored.approved.by, 'api-token');
    // Changed, the new words not approved: the resolution says neither.
    await patch(key, { publicNote: THIRD });
    await reject(key, 'update-5');
    await t.send(event({ key, service: 'Note guard', status: 'resolved' }));
    assert.doesNotMatch(await tweetsText(key, 5, 'the resolution'), /Cause:|storage/);
  });

  it('once approved and then removed, is not said again', async () => {
    const key = await announced('removed');
    await patch(key, { publicNote: NOTE });
    assert.equal((await apiCall(t.url, 'POST', `/api/drafts/${key}~update-1/approve`)).status, 200);
    assert.match(await tweetsText(key, 2, 'the approved follow-up'), new RegExp(NOTE));
    assert.equal((await patch(key, { publicNote: null })).status, 200);
    await t.send(event({ key, service: 'Note removed', status: 'resolved' }));
    assert.doesNotMatch(await tweetsText(key, 3, 'the resolution'), /Cause:|storage/);
  });

  it('the journal records who set it and what it said', async () => {
    const key = await announced('journal');
    assert.equal((await patch(key, { publicNote: NOTE })).status, 200);
    const journal = JSON.stringify((await t.get(`/api/incidents/${key}/journal.json`)).body);
    assert.match(journal, /facts-changed/);
    assert.match(journal, new RegExp(`publicNote none.*publicNote en \\\\"${NOTE}\\\\"`));
    assert.match(journal, /"by":"api-token"/);
  });

  for (const [what, note, why] of [
    ['a mention', '@kakao 서버 문제예요', /mention/],
    ['a link', 'status.example.com 을 보세요', /link/],
    ['a hashtag', '서버 문제 #장애', /hashtag/],
    ['too long a text', '가'.repeat(51), /shorten it by 2/],
    ['an empty text', '   ', /empty/],
  ] as const) {
    it(`refuses ${what} with a 400 naming publicNote, and changes nothing`, async () => {
      const key = await announced(`bad-${what.replace(/\W/g, '')}`);
      const res = await patch(key, { publicNote: note });
      assert.equal(res.status, 400);
      assert.match(res.body.details.join('\n'), /^publicNote/m);
      assert.match(res.body.details.join('\n'), why);
      const api = (await t.get(`/api/incidents/${key}`)).body;
      assert.equal(api.publicNote, null);
      assert.deepEqual(await drafts(key), []);
    });
  }

  it('is never taken from monitoring: a webhook body with a note is a 400', async () => {
    const res = await t.send({ ...event({ key: 'note-webhook' }), publicNote: '모니터링이 쓴 말' } as never);
    assert.equal(res.status, 400);
    assert.match(JSON.stringify(res.body), /publicNote/);
  });

  it('through the CLI, and removed with --clear-note', async () => {
    const key = await announced('cli');
    let out = '';
    const io = { out: (s: string) => void (out += s), err: (s: string) => void (out += s), env: { HERALD_API_TOKEN: API_TOKEN, HERALD_URL: t.url }, cwd: process.cwd() };
    assert.equal(await main(['incident', 'set', key, '--note', NOTE], io), 0, out);
    assert.match(out, /changed publicNote; follow-up update-1 planned/);
    assert.equal((await t.get(`/api/incidents/${key}`)).body.publicNote.texts.en, NOTE);
    assert.equal(await main(['incident', 'set', key, '--clear-note'], io), 0, out);
    assert.equal((await t.get(`/api/incidents/${key}`)).body.publicNote, null);
  });

  it('through the console’s facts form, which shows the note set', async () => {
    const key = await announced('console');
    const browser = new ConsoleClient(t.url);
    await browser.signIn(PEOPLE.approver.name, PEOPLE.approver.password);
    await browser.get(`/console/incidents/${key}`);
    assert.equal((await browser.postForm(`/console/incidents/${key}/facts`, { publicNote: NOTE })).status, 303);
    assert.deepEqual(await drafts(key), [`${key}~update-1`]);
    const page = await browser.get(`/console/incidents/${key}`);
    assert.match(page.text, new RegExp(`name="publicNote" value="${NOTE}"`));
    const journal = JSON.stringify((await t.get(`/api/incidents/${key}/journal.json`)).body);
    assert.match(journal, new RegExp(`"by":"${PEOPLE.approver.name}"`));
  });
});

describe('composing with a public note', () => {
  const ko = loadCatalog(DEFAULT_MESSAGES_DIR, 'ko');
  const base: ComposeInput = { kind: 'update', incidentKey: 'n', service: '카카오톡', feature: 'login', scope: 'total', severity: 'critical', openedAt: '2025-07-06T21:00:00+09:00', at: '2025-07-06T21:40:00+09:00', nextUpdateAt: '2025-07-06T22:10:00+09:00', publicNote: KO_NOTE };
  const options = { locale: 'ko', timezone: 'Asia/Seoul' };

  it('never puts it in the first tweet', () => {
    assert.doesNotMatch(composeTweet(ko, { ...base, kind: 'open' }, options).text, /원인:/);
  });

  it('gives it up after the other impacts and before the service name, keeping what is wrong and the next update', () => {
    const { steps } = incidentSteps(ko, { ...base, impacts: [{ feature: 'login' }, { feature: 'messaging' }, { feature: 'notifications' }] }, options);
    const withNote = steps.map((s) => s.note !== '');
    assert.equal(withNote.lastIndexOf(true) + 1, withNote.indexOf(false), 'once dropped, it stays dropped');
    const dropped = withNote.indexOf(false);
    assert.ok(steps[dropped - 1]!.impact!.includes('등 3가지'), 'the impacts were collapsed before the note went');
    assert.equal(steps[dropped]!.service, '카카오톡', 'the service name is cut only after the note went');
    // A name so long the note cannot fit: the tweet still goes out with the facts.
    const tight = composeTweet(ko, { ...base, service: '가'.repeat(60), publicNote: '나'.repeat(50) }, options);
    assert.doesNotMatch(tight.text, /원인:/);
    assert.match(tight.text, /로그인/);
    assert.match(tight.text, /밤 10시 10분/);
  });

  for (const [locale, note, cause] of [
    ['ko', KO_NOTE, /원인/g],
    ['en', NOTE, /\bcause\b/gi],
    ['ja', '認証サーバーの記憶装置が故障しました', /原因/g],
  ] as const) {
    it(`says the cause once in ${locale}: a follow-up with the note does not also say "we found the cause"`, () => {
      const catalog = loadCatalog(DEFAULT_MESSAGES_DIR, locale);
      const zone = { locale, timezone: 'Asia/Seoul' };
      // Early follow-ups (update) and long ones (meanwhile, past 6 hours), every wording in rotation.
      for (const at of ['2025-07-06T21:40:00+09:00', '2025-07-07T10:10:00+09:00']) {
        for (let variantOffset = 0; variantOffset < 10; variantOffset++) {
          const input: ComposeInput = { ...base, service: 'KakaoTalk', at, nextUpdateAt: undefined, phase: 'identified', previousPhase: 'identified', publicNote: note, postId: 'update-4', variantOffset };
          const text = composeTweet(catalog, input, zone).text;
          // Past the wordings, the offset walks the fitting order (duplicate refusals), which gives the note up.
          if (variantOffset === 0) assert.ok(text.includes(note), text);
          assert.ok((text.match(cause)?.length ?? 0) <= 1, text);
        }
      }
    });
  }

  it('a note set by staff needs a person before the follow-up goes out, whatever the rules say', () => {
    const decision = decideApproval({ required: false, rules: [{ approval: 'auto' }] }, { severity: 'critical', feature: 'login', source: 'public-note' });
    assert.equal(decision.hold, true);
    assert.equal(decideApproval({ required: false, rules: [{ approval: 'auto' }] }, { severity: 'critical', feature: 'login', source: 'facts' }).hold, false);
  });
});
