import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { approveDraft, editDraft, parseDraftId, rejectDraft } from '../src/approval/drafts.ts';
import { DRAFT_RECHECK_MS, settleDraft } from '../src/incidents/draft-rules.ts';
import { holdForApproval } from '../src/approval/hold.ts';
import type { ApprovalPolicy } from '../src/approval/policy.ts';
import { DEFAULT_MESSAGES_DIR } from '../src/compose/catalog.ts';
import { incidentComposer } from '../src/compose/for-incident.ts';
import { claimPost, releasePost } from '../src/incidents/delivery-rules.ts';
import type { AlertEvent, Incident } from '../src/incidents/model.ts';
import { withPublicNote } from '../src/incidents/public-note.ts';
import { applyEvent } from '../src/incidents/rules.ts';

const compose = incidentComposer({ messagesDir: DEFAULT_MESSAGES_DIR, locale: 'en', timezone: 'Asia/Seoul' });
const RULES = { graceMs: 60_000, reopenWindowMs: 3_600_000 };
const REQUIRED: ApprovalPolicy = { required: true, rules: [] };
const T0 = Date.parse('2026-05-20T00:00:00Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

function ev(status: AlertEvent['status'], seconds: number, overrides: Partial<AlertEvent> = {}): AlertEvent {
  return { key: 'talk-1', status, service: 'KakaoTalk', feature: 'messaging', severity: 'major', at: at(seconds), source: 'generic', receivedAt: at(seconds), ...overrides };
}

/** Applies events one after the other, the way the incident worker does, with the policy. */
function run(policy: ApprovalPolicy, events: AlertEvent[], start: Incident | null = null): Incident {
  return events.reduce<Incident | null>((current, e) => {
    const applied = applyEvent(current, e, RULES);
    return holdForApproval(current, applied, { policy, compose, source: e.source, at: e.receivedAt }).incident;
  }, start)!;
}

const post = (incident: Incident, id: string) => incident.posts.find((p) => p.id === id)!;
const posted = (incident: Incident, id: string, tweetId: string): Incident => ({
  ...incident,
  posts: incident.posts.map((p) => (p.id === id ? { ...p, status: 'posted', tweetId } : p)),
});

describe('holding planned posts for approval', () => {
  it('holds an announcement as a draft with its text, due after the grace period, deadline after that', () => {
    const incident = run(REQUIRED, [ev('open', 0)]);
    const open = post(incident, 'open-1');
    assert.equal(open.status, 'draft');
    assert.match(open.text!, /KakaoTalk messages/);
    assert.equal(open.approval!.deadline, at(60 + 20 * 60), 'grace period, then the default 20 minutes for major');
    assert.equal(open.approval!.onTimeout, 'post');
    assert.deepEqual(incident.audit!.map((a) => [a.actor, a.action, a.reason]), [['herald', 'drafted', 'HERALD_APPROVAL=required']]);
  });

  it('leaves a post alone when the policy posts at once', () => {
    const incident = run({ required: false, rules: [] }, [ev('open', 0)]);
    assert.equal(post(incident, 'open-1').status, 'scheduled');
    assert.equal(incident.audit, undefined);
  });

  it('withdraws an announcement draft silently when the incident resolves within the grace period', () => {
    const incident = run(REQUIRED, [ev('open', 0), ev('resolved', 30)]);
    assert.deepEqual(incident.posts.map((p) => [p.id, p.status]), [['open-1', 'cancelled']]);
    assert.deepEqual(incident.audit!.map((a) => a.action), ['drafted', 'withdrawn']);
  });

  it('asks whether to post anything at all when an incident resolves before its announcement was approved', () => {
    const incident = run(REQUIRED, [ev('open', 0), ev('resolved', 600)]);
    assert.equal(post(incident, 'open-1').status, 'cancelled');
    const resolved = post(incident, 'resolved-1');
    assert.equal(resolved.status, 'draft');
    assert.equal(resolved.root, true, 'there is no thread to join');
    assert.match(resolved.approval!.question!, /never announced.*post nothing at all/);
  });

  it('asks the same, inside the thread, when a reopening was never approved', () => {
    const announced = posted(run(REQUIRED, [ev('open', 0)]), 'open-1', '111');
    const fixed = posted(run(REQUIRED, [ev('resolved', 600)], announced), 'resolved-1', '222');
    const incident = run(REQUIRED, [ev('open', 900), ev('resolved', 1500)], fixed);
    const drafts = incident.posts.filter((p) => p.status === 'draft');
    assert.deepEqual(
      drafts.map((p) => p.id),
      ['resolved-2'],
    );
    assert.notEqual(drafts[0]!.root, true);
    assert.match(drafts[0]!.approval!.question!, /never told the problem came back/);
  });

  it('withdraws a waiting resolution, and says nothing new, when the incident opens again', () => {
    const announced = posted(run(REQUIRED, [ev('open', 0)]), 'open-1', '111');
    const incident = run(REQUIRED, [ev('resolved', 600), ev('open', 900)], announced);
    assert.equal(incident.state, 'open');
    assert.deepEqual(
      incident.posts.map((p) => [p.id, p.status]),
      [
        ['open-1', 'posted'],
        ['resolved-1', 'cancelled'],
        ['reopened-1', 'cancelled'],
      ],
    );
    assert.match(post(incident, 'reopened-1').note!, /never told it was fixed/);
  });

  it('drops a waiting update when the incident resolves, and drafts a plain reply', () => {
    const announced = posted(run(REQUIRED, [ev('open', 0)]), 'open-1', '111');
    const incident = run(REQUIRED, [ev('update', 300, { phase: 'identified' }), ev('resolved', 600)], announced);
    assert.equal(post(incident, 'update-1').status, 'cancelled');
    const reply = post(incident, 'resolved-1');
    assert.equal(reply.status, 'draft');
    assert.equal(reply.approval!.question, undefined);
  });

  it('releases a waiting draft when severity rises to a level that posts at once', () => {
    const policy: ApprovalPolicy = { required: false, rules: [{ severity: ['minor'], approval: 'required' }] };
    const incident = run(policy, [ev('open', 0, { severity: 'minor' }), ev('open', 10, { severity: 'critical' })]);
    assert.equal(post(incident, 'open-1').status, 'scheduled');
    assert.equal(incident.audit!.at(-1)!.action, 'released');
  });

  it('keeps a draft a person edited waiting even when severity rises', () => {
    const policy: ApprovalPolicy = { required: false, rules: [{ severity: ['minor'], approval: 'required' }] };
    const held = run(policy, [ev('open', 0, { severity: 'minor' })]);
    const edited = editDraft(held, 'open-1', { actor: 'mina', at: at(5), text: 'KakaoTalk is slow. Sorry.' }).incident!;
    const incident = run(policy, [ev('open', 10, { severity: 'critical' })], edited);
    assert.equal(post(incident, 'open-1').status, 'draft');
  });

  it('no longer lets a draft expire once severity rises to a rule that posts anyway', () => {
    const policy: ApprovalPolicy = { required: true, rules: [] };
    const incident = run(policy, [ev('open', 0, { severity: 'minor' }), ev('open', 10, { severity: 'critical' })]);
    const open = post(incident, 'open-1');
    assert.equal(open.approval!.onTimeout, 'post');
    assert.equal(open.approval!.deadline, at(10 * 60), 'the stricter, earlier deadline: held at 0 s, critical waits 10 minutes');
  });
});

describe('people and the deadline deciding a draft', () => {
  const draft = () => run(REQUIRED, [ev('open', 0)]);

  it('waits in short steps until the deadline', () => {
    const incident = draft();
    assert.deepEqual(settleDraft(incident, post(incident, 'open-1'), T0 + 70_000), { action: 'wait', untilMs: T0 + 70_000 + DRAFT_RECHECK_MS });
  });

  it('has one winner when a person and the deadline decide the same draft', () => {
    const incident = draft();
    const deadline = Date.parse(post(incident, 'open-1').approval!.deadline);
    const timedOut = settleDraft(incident, post(incident, 'open-1'), deadline);
    assert.equal(timedOut.action, 'released');
    const late = approveDraft((timedOut as { incident: Incident }).incident, 'open-1', { actor: 'mina', at: at(9999) });
    assert.equal(late.outcome.ok, false);
    assert.equal(late.incident, null, 'the loser writes nothing');

    const approved = approveDraft(incident, 'open-1', { actor: 'mina', at: at(100) }).incident!;
    const claim = claimPost(approved, 'open-1', deadline, compose);
    assert.equal(claim.claim.action, 'send');
    assert.deepEqual(claim.incident!.audit!.map((a) => a.action), ['drafted', 'approved']);
  });

  it('posts an approved draft at once, without waiting out the grace period', () => {
    const approved = approveDraft(draft(), 'open-1', { actor: 'mina', at: at(10) }).incident!;
    assert.equal(claimPost(approved, 'open-1', T0 + 10_000, compose).claim.action, 'send');
  });

  it('records an edit and the approval in one step when approving with new text', () => {
    const result = approveDraft(draft(), 'open-1', { actor: 'mina', at: at(100), text: 'KakaoTalk is slow. Sorry.' });
    assert.equal(result.outcome.ok, true);
    assert.deepEqual(result.incident!.audit!.map((a) => [a.action, a.before !== undefined, a.after]), [
      ['drafted', false, post(draft(), 'open-1').text],
      ['edited', true, 'KakaoTalk is slow. Sorry.'],
      ['approved', false, 'KakaoTalk is slow. Sorry.'],
    ]);
  });

  it('sends the text a person approved without composing it again', () => {
    const approved = approveDraft(draft(), 'open-1', { actor: 'mina', at: at(100), text: 'KakaoTalk is slow. Sorry.' }).incident!;
    const claim = claimPost(approved, 'open-1', T0 + 61_000, () => assert.fail('must not compose'));
    assert.equal(claim.claim.action, 'send');
    assert.equal((claim.claim as { post: { text: string } }).post.text, 'KakaoTalk is slow. Sorry.');
  });

  it('fails a person\'s text that X refused as a duplicate rather than post something else', () => {
    const approved = approveDraft(draft(), 'open-1', { actor: 'mina', at: at(100), text: 'KakaoTalk is slow. Sorry.' }).incident!;
    const sending = claimPost(approved, 'open-1', T0 + 61_000, compose).incident;
    const refused = releasePost(sending, 'open-1', { note: 'duplicate', nextVariant: true });
    const again = claimPost(refused, 'open-1', T0 + 62_000, compose);
    assert.equal(again.claim.action, 'skip');
    assert.equal(post(again.incident!, 'open-1').status, 'failed');
  });

  it('keeps a rejected draft with its reason and posts nothing', () => {
    const rejected = rejectDraft(draft(), 'open-1', { actor: 'mina', at: at(100), reason: 'false alarm' }).incident!;
    assert.equal(claimPost(rejected, 'open-1', T0 + 99_000_000, compose).claim.action, 'skip');
    assert.equal(post(rejected, 'open-1').note, 'rejected by mina: false alarm');
  });

  it('a follow-up draft saying the public note: posted on its timeout, the note counts as approved; released by a severity rise, never', () => {
    const policy: ApprovalPolicy = { required: false, rules: [{ severity: ['minor'], approval: 'required' }] };
    const announced = posted(run({ required: false, rules: [] }, [ev('open', 0, { severity: 'minor' })]), 'open-1', 't1');
    const noted = withPublicNote(announced, 'A storage fault', 'en', 'mina', at(100));
    const held = run(policy, [ev('update', 200, { severity: 'minor', phase: 'identified' })], noted);
    const update = post(held, 'update-1');
    assert.equal(update.status, 'draft');
    assert.deepEqual(update.carriesNote, { en: 'A storage fault' });
    assert.equal(held.publicNote!.approved, undefined);
    // A rise to a severity that posts at once would release it: not while its note is unapproved.
    assert.equal(post(run(policy, [ev('update', 300, { severity: 'critical' })], held), 'update-1').status, 'draft');
    const minorPosts: ApprovalPolicy = { required: false, rules: [{ severity: ['minor'], approval: 'required', onTimeout: 'post' }] };
    const posting = run(minorPosts, [ev('update', 200, { severity: 'minor', phase: 'identified' })], noted);
    const deadline = post(posting, 'update-1').approval!.deadline;
    const timedOut = settleDraft(posting, post(posting, 'update-1'), Date.parse(deadline));
    assert.equal(timedOut.action, 'released');
    assert.deepEqual((timedOut as { incident: Incident }).incident.publicNote!.approved, { by: 'herald (timeout)', at: deadline, texts: { en: 'A storage fault' } });
  });

  it('reads draft ids whose incident key itself holds a ~', () => {
    assert.deepEqual(parseDraftId('db~eu~open-1'), { key: 'db~eu', postId: 'open-1' });
    assert.equal(parseDraftId('no-separator'), undefined);
  });
});

describe('a draft that had to give up the public note', () => {
  it('does not name the note, so approving it approves no words the approver never saw', () => {
    // Four impacts, critical, total, data possibly lost, and a 100-weight note: the resolution cannot keep the note.
    const impacts = [
      { feature: 'messaging', platforms: ['ios', 'android'] },
      { feature: 'login', platforms: ['pc', 'mac'] },
      { feature: 'notifications', platforms: ['ios', 'android'] },
      { feature: 'signup' },
    ] as NonNullable<AlertEvent['impacts']>;
    const service = 'KakaoTalk Business Partner Center';
    const facts = { service, impacts, severity: 'critical', scope: 'total' } as const;
    const announced = posted(run({ required: false, rules: [] }, [ev('open', 0, facts)]), 'open-1', 't1');
    const note = 'A storage cluster in one of our data centres failed and took the message relay servers down with it';
    const noted = withPublicNote(announced, note, 'en', 'mina', at(100));
    const held = run(REQUIRED, [ev('resolved', 20_000, { ...facts, dataSafety: 'possible' })], noted);
    const resolution = held.posts.find((p) => p.kind === 'resolved')!;
    assert.equal(resolution.status, 'draft');
    assert.ok(!resolution.text!.includes('storage cluster'), `the note should not fit here: ${resolution.text}`);
    assert.equal(resolution.carriesNote, undefined);
    assert.match(resolution.text!, /and 3 more problems/, 'several problems read as plural in English');
  });
});
