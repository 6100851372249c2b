import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import { pino } from 'pino';
import { GENERIC_SIGNATURE_HEADER, GENERIC_TIMESTAMP_HEADER, signGeneric } from '../src/auth/signing.ts';
import { NOTICES_QUEUE } from '../src/queues.ts';
import { apiCall, consoleEnv, newDraft, tempFile } from './helpers/console.ts';
import { event, REDIS_URL, sleep, startTestHerald, type TestHerald } from './helpers/herald.ts';
import { HttpReceiver, MailReceiver, type Received } from './helpers/staff-receivers.ts';

const CONSOLE_URL = 'https://herald.example.test';
const SLACK_SECRET = 'T0SECRET/B0SECRET/slacksecretpath';
const WEBHOOK_SECRET = 'staff-webhook-secret';

/** Decodes a quoted-printable mail body enough to read it. */
const unfold = (raw: string): string =>
  Buffer.from(raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');

const forDraft = (received: readonly Received[], id: string) => received.filter((r) => r.body.includes(encodeURIComponent(id)) || r.json?.draft === id);

describe('staff notices', () => {
  let t: TestHerald;
  let slack: HttpReceiver;
  let hook: HttpReceiver;
  let mail: MailReceiver;
  let notices: Queue;
  const logs: string[] = [];

  /** Resolves once no notice job waits or runs (reminders may stay delayed). */
  const noticesDone = () =>
    t.waitFor(async () => Object.values(await notices.getJobCounts('wait', 'active', 'prioritized')).every((n) => n === 0), 'the notice queue to settle', 20_000);

  before(async () => {
    slack = await new HttpReceiver().start(`/services/${SLACK_SECRET}`);
    hook = await new HttpReceiver().start('/hooks/herald');
    mail = await new MailReceiver().start();
    const sink = new Writable({ write: (chunk, _enc, done) => (logs.push(chunk.toString()), done()) });
    t = await startTestHerald(
      await consoleEnv({
        HERALD_CONSOLE_URL: CONSOLE_URL,
        HERALD_STAFF_SLACK_WEBHOOK_URL: slack.url,
        HERALD_STAFF_WEBHOOK_URL: hook.url,
        HERALD_STAFF_WEBHOOK_SECRET: WEBHOOK_SECRET,
        HERALD_STAFF_EMAIL_TO: 'comms@example.test',
        SMTP_URL: mail.url,
      }),
      { logger: pino({ level: 'info' }, sink) },
    );
    notices = new Queue(NOTICES_QUEUE, { connection: { url: REDIS_URL }, prefix: t.config.redisPrefix });
  });
  after(async () => {
    await notices?.close();
    await t?.close();
    await Promise.all([slack?.close(), hook?.close(), mail?.close()]);
  });

  it('sends one Slack message with the incident, the exact draft text, its deadline and a link to the draft', async () => {
    const id = await newDraft(t);
    const draft = (await apiCall(t.url, 'GET', `/api/drafts/${id}`)).body;
    await t.waitFor(async () => forDraft(slack.received, id).length > 0, 'the Slack message');
    await noticesDone();
    const messages = forDraft(slack.received, id);
    assert.equal(messages.length, 1);
    const { text, blocks } = messages[0]!.json;
    assert.match(text, /Waiting for approval: KakaoTalk/);
    assert.deepEqual(blocks.map((b: any) => b.type), ['header', 'section', 'section', 'context', 'actions']);
    const facts = blocks[1].fields.map((f: any) => f.text).join('\n');
    for (const fact of ['KakaoTalk', 'messaging', 'major']) assert.match(facts, new RegExp(fact));
    assert.equal(blocks[2].text.type, 'mrkdwn');
    assert.ok(blocks[2].text.text.endsWith(`\n>${draft.text.split('\n').join('\n>')}`), 'the draft text, quoted as it will be posted');
    assert.match(blocks[3].elements[0].text, /If nobody decides by .*, it is posted anyway\./);
    assert.equal(blocks[4].elements[0].url, `${CONSOLE_URL}/console/drafts/${encodeURIComponent(id)}`);
  });

  it('sends one email with a plain-text and an HTML part', async () => {
    const id = await newDraft(t);
    await t.waitFor(async () => mail.mails.some((m) => unfold(m.raw).includes(encodeURIComponent(id))), 'the email');
    await noticesDone();
    const mails = mail.mails.filter((m) => unfold(m.raw).includes(encodeURIComponent(id)));
    assert.equal(mails.length, 1);
    assert.deepEqual(mails[0]!.to, ['comms@example.test']);
    const raw = unfold(mails[0]!.raw);
    assert.match(raw, /^Subject: Waiting for approval: KakaoTalk/m);
    assert.match(raw, /Content-Type: text\/plain/);
    assert.match(raw, /Content-Type: text\/html/);
    assert.match(raw, /it is posted anyway/);
  });

  it('sends one JSON webhook signed like herald checks its own generic webhook', async () => {
    const id = await newDraft(t);
    await t.waitFor(async () => forDraft(hook.received, id).length > 0, 'the webhook');
    await noticesDone();
    const calls = forDraft(hook.received, id);
    assert.equal(calls.length, 1);
    const { headers, body, json } = calls[0]!;
    const timestamp = headers[GENERIC_TIMESTAMP_HEADER] as string;
    assert.equal(headers[GENERIC_SIGNATURE_HEADER], signGeneric(WEBHOOK_SECRET, timestamp, body));
    assert.equal(json.event, 'draft.waiting');
    assert.equal(json.incident.service, 'KakaoTalk');
    assert.equal(json.onTimeout, 'post');
    assert.equal(json.link, `${CONSOLE_URL}/console/drafts/${encodeURIComponent(id)}`);
  });

  it('reports who approved a draft and what went out', async () => {
    const id = await newDraft(t);
    await t.waitFor(async () => forDraft(hook.received, id).length > 0, 'the first webhook');
    const text = 'KakaoTalk messages are slow for some people right now. We are on it.';
    assert.equal((await apiCall(t.url, 'POST', `/api/drafts/${id}/approve`, { text })).status, 200);
    await t.waitFor(async () => forDraft(slack.received, id).length === 2 && forDraft(hook.received, id).length === 2, 'the decision notices');
    const decided = forDraft(hook.received, id)[1]!.json;
    assert.equal(decided.event, 'draft.decided');
    assert.deepEqual([decided.decision.action, decided.decision.actor, decided.post.text], ['approved', 'api-token', text]);
    const slackDecision = forDraft(slack.received, id)[1]!.json;
    assert.match(slackDecision.text, /the API token approved/);
    assert.ok(JSON.stringify(slackDecision.blocks).includes(text));
  });

  it('sends a Slack message once when the receiver answers 500 and then 200, and counts the failure', async () => {
    slack.failNext = 1;
    const id = await newDraft(t);
    await t.waitFor(async () => forDraft(slack.received, id).length > 0, 'the retried Slack message', 20_000);
    await noticesDone();
    assert.equal(slack.failNext, 0, 'the 500 was answered');
    assert.equal(forDraft(slack.received, id).length, 1);
    assert.equal(forDraft(hook.received, id).length, 1, 'the retry does not send again where it got through');
    assert.equal(mail.mails.filter((m) => unfold(m.raw).includes(encodeURIComponent(id))).length, 1);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    assert.match(metrics, /herald_staff_notices_total\{channel="slack",outcome="failed"\} [1-9]/);
  });

  it('never writes the secret part of a webhook URL to the logs', () => {
    assert.ok(logs.some((l) => l.includes('staff notice not delivered')), 'the failure above was logged');
    assert.ok(!logs.some((l) => l.includes('slacksecretpath') || l.includes(WEBHOOK_SECRET)));
  });
});

describe('staff reminders', () => {
  let t: TestHerald;
  let hook: HttpReceiver;

  before(async () => {
    hook = await new HttpReceiver().start('/hooks/herald');
    const rules = tempFile('rules.yaml', 'rules:\n  - approval: required\n    timeoutSeconds: 6\n    onTimeout: expire\n');
    t = await startTestHerald(await consoleEnv({ HERALD_APPROVAL: 'auto', HERALD_APPROVAL_RULES: rules, HERALD_STAFF_WEBHOOK_URL: hook.url }));
  });
  after(async () => {
    await t?.close();
    await hook?.close();
  });

  it('reminds at half the time to the deadline when nobody has acted', async () => {
    const id = await newDraft(t);
    const reminder = await t.waitFor(async () => forDraft(hook.received, id).find((r) => r.json.event === 'draft.reminder'), 'the reminder', 15_000);
    const waiting = forDraft(hook.received, id).find((r) => r.json.event === 'draft.waiting')!;
    const heldAt = Date.parse((await apiCall(t.url, 'GET', `/api/drafts/${id}`)).body.deadline) - 6000;
    assert.ok(reminder.at >= heldAt + 3000 - 50, `the reminder came ${reminder.at - heldAt} ms after the draft, not before half of 6 s`);
    assert.ok(reminder.at > waiting.at);
    assert.equal(reminder.json.onTimeout, 'expire');
  });

  it('sends no reminder for a draft a person already decided', async () => {
    const id = await newDraft(t);
    // Decided before its notice went out, a draft gets no 'waiting' notice at all: wait for it first.
    await t.waitFor(async () => forDraft(hook.received, id).length > 0, 'the waiting notice');
    await apiCall(t.url, 'POST', `/api/drafts/${id}/reject`, { reason: 'not public' });
    await t.waitFor(async () => forDraft(hook.received, id).some((r) => r.json.event === 'draft.decided'), 'the decision');
    await sleep(4000);
    assert.deepEqual(forDraft(hook.received, id).map((r) => r.json.event), ['draft.waiting', 'draft.decided']);
  });
});

describe('staff notices with approval off', () => {
  it('sends nothing when posts need no approval', async () => {
    const hook = await new HttpReceiver().start('/hooks/herald');
    const t = await startTestHerald(await consoleEnv({ HERALD_APPROVAL: 'auto', HERALD_STAFF_WEBHOOK_URL: hook.url }));
    try {
      await t.send(event());
      await t.fakeX.waitForPosts(1);
      await sleep(1000);
      assert.equal(hook.received.length, 0);
    } finally {
      await t.close();
      await hook.close();
    }
  });
});
