import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { claimPost, recordPosted, releasePost, sameTweetText, type Composer } from '../src/incidents/delivery-rules.ts';
import type { AlertEvent, Incident } from '../src/incidents/model.ts';
import { applyEvent, threadRoot } from '../src/incidents/rules.ts';

const rules = { graceMs: 120_000, reopenWindowMs: 3_600_000 };
const T0 = Date.parse('2026-05-20T00:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const ev = (status: AlertEvent['status'], receivedSec: number, extra: Partial<AlertEvent> = {}): AlertEvent => ({
  key: 'k',
  status,
  service: 'KakaoTalk',
  feature: 'messaging',
  severity: 'major',
  at: at(receivedSec),
  source: 'generic',
  receivedAt: at(receivedSec),
  ...extra,
});
const compose: Composer = (_incident, post) => ({ text: `${post.kind} text`, variant: 0 });

function run(events: AlertEvent[], start: Incident | null = null): Incident {
  return events.reduce<Incident | null>((inc, e) => applyEvent(inc, e, rules).incident, start)!;
}

/** Claims and records a post as the delivery worker would, at `nowSec`. */
function deliver(incident: Incident, postId: string, nowSec: number, tweetId: string): Incident {
  const { incident: claimed, claim } = claimPost(incident, postId, T0 + nowSec * 1000, compose);
  assert.equal(claim.action, 'send', `expected to send ${postId}, got ${JSON.stringify(claim)}`);
  return recordPosted(claimed, postId, { id: tweetId, postedAt: at(nowSec) })!;
}

describe('incident rules', () => {
  it('schedules the open post at the end of the grace period', () => {
    const applied = applyEvent(null, ev('open', 0), rules);
    assert.equal(applied.scheduled.length, 1);
    assert.equal(applied.scheduled[0]!.dueAt, at(120));
  });

  it('cancels the open post when the incident resolves within the grace period', () => {
    const applied = applyEvent(run([ev('open', 0)]), ev('resolved', 60), rules);
    assert.deepEqual(applied.scheduled, []);
    assert.deepEqual(applied.cancelled.map((p) => p.id), ['open-1']);
    assert.equal(applied.incident.state, 'resolved');
  });

  it('keeps the open post and adds a reply when the resolve comes after the grace period', () => {
    const applied = applyEvent(run([ev('open', 0)]), ev('resolved', 130), rules);
    assert.deepEqual(applied.scheduled.map((p) => p.kind), ['resolved']);
    assert.deepEqual(applied.cancelled, []);
  });

  it('ignores an open for an incident that is already open', () => {
    const applied = applyEvent(run([ev('open', 0)]), ev('open', 10), rules);
    assert.equal(applied.changed, false);
    assert.equal(applied.incident.events, 2);
  });

  it('records a resolve for an unknown incident without planning any post', () => {
    const applied = applyEvent(null, ev('resolved', 0), rules);
    assert.equal(applied.incident.state, 'resolved');
    assert.deepEqual(applied.incident.posts, []);
  });

  it('does not post an update before the announcement is out of its grace period', () => {
    const applied = applyEvent(run([ev('open', 0)]), ev('update', 30), rules);
    assert.deepEqual(applied.scheduled, []);
  });

  it('keeps at most one update waiting', () => {
    const inc = run([ev('open', 0), ev('update', 200, { phase: 'identified' })]);
    assert.deepEqual(applyEvent(inc, ev('update', 201, { phase: 'monitoring' }), rules).scheduled, []);
  });

  it('posts nothing for an update that changes nothing: the follow-up schedule says "still on it"', () => {
    const inc = run([ev('open', 0)]);
    const applied = applyEvent(inc, ev('update', 480), rules);
    assert.deepEqual(applied.scheduled, []);
    assert.equal(applied.incident.events, 2, 'the event is still recorded');
  });

  it('posts at once for an update with news: a new phase, another impact', () => {
    const inc = run([ev('open', 0)]);
    for (const news of [{ phase: 'identified' }, { impacts: [{ feature: 'messaging' }, { feature: 'login' }] }] as Partial<AlertEvent>[]) {
      assert.deepEqual(applyEvent(inc, ev('update', 480, news), rules).scheduled.map((p) => [p.kind, p.dueAt]), [['update', at(480)]], JSON.stringify(news));
    }
  });

  it('records a graver severity without posting: it changes the tone and the approval, not the news', () => {
    const inc = run([ev('open', 0)]);
    const applied = applyEvent(inc, ev('open', 480, { severity: 'critical' }), rules);
    assert.equal(applied.incident.severity, 'critical');
    assert.deepEqual(applied.scheduled, []);
  });

  it('continues the old thread when an incident reopens within the window', () => {
    let inc = run([ev('open', 0)]);
    inc = deliver(inc, 'open-1', 120, '100');
    inc = run([ev('resolved', 600)], inc);
    inc = deliver(inc, 'resolved-1', 600, '101');
    const applied = applyEvent(inc, ev('open', 900), rules);
    assert.deepEqual(applied.scheduled.map((p) => p.kind), ['reopened']);
    assert.equal(threadRoot(applied.incident)!.tweetId, '100');
  });

  it('remembers when a reopened outage came back and the span it was down before', () => {
    let inc = run([ev('open', 0)]);
    inc = deliver(inc, 'open-1', 120, '100');
    inc = run([ev('resolved', 600)], inc);
    inc = deliver(inc, 'resolved-1', 600, '101');
    const reopened = applyEvent(inc, ev('open', 900), rules).incident;
    assert.equal(reopened.reopenedAt, at(900));
    assert.deepEqual(reopened.earlierSpans, [{ from: at(0), to: at(600) }]);
  });

  it('does not reopen for an open that herald received before the resolve it follows', () => {
    // A sender's retry, or a job BullMQ runs again after a failover, can be applied after a
    // resolve that arrived later: news from before the resolution, not a new outage.
    let inc = run([ev('open', 0)]);
    inc = deliver(inc, 'open-1', 120, '100');
    inc = run([ev('resolved', 600)], inc);
    const late = applyEvent(inc, ev('open', 599), rules);
    assert.equal(late.changed, false);
    assert.deepEqual(late.scheduled, []);
    assert.equal(late.incident.state, 'resolved');
    // One received after the resolve still reopens it.
    assert.deepEqual(applyEvent(inc, ev('open', 601), rules).scheduled.map((p) => p.kind), ['reopened']);
  });

  it('starts a new thread when it reopens after the window', () => {
    let inc = run([ev('open', 0)]);
    inc = deliver(inc, 'open-1', 120, '100');
    inc = run([ev('resolved', 600)], inc);
    const applied = applyEvent(inc, ev('open', 600 + 7200), rules);
    assert.deepEqual(applied.scheduled.map((p) => p.id), ['open-2']);
  });
});

describe('delivery rules', () => {
  it('waits until the post is due', () => {
    const { claim } = claimPost(run([ev('open', 0)]), 'open-1', T0 + 1000, compose);
    assert.equal(claim.action, 'wait');
  });

  it('makes a reply wait while the open post is still going out', () => {
    const inc = run([ev('open', 0), ev('resolved', 130)]);
    const claimed = claimPost(inc, 'open-1', T0 + 130_000, compose).incident!;
    const { claim } = claimPost(claimed, 'resolved-1', T0 + 130_000, compose);
    assert.equal(claim.action, 'wait');
  });

  it('replies under the open tweet once it is posted', () => {
    let inc = run([ev('open', 0), ev('resolved', 130)]);
    inc = deliver(inc, 'open-1', 130, '555');
    const { claim } = claimPost(inc, 'resolved-1', T0 + 131_000, compose);
    assert.equal(claim.action, 'send');
    assert.equal(claim.action === 'send' && claim.post.inReplyTo, '555');
  });

  it('asks for reconciliation when it finds a post claimed by an attempt whose lease ran out', () => {
    const claimed = claimPost(run([ev('open', 0)]), 'open-1', T0 + 120_000, compose, { claim: 'a', leaseMs: 10_000 }).incident!;
    const { incident, claim } = claimPost(claimed, 'open-1', T0 + 131_000, compose, { claim: 'b', leaseMs: 10_000 });
    assert.equal(claim.action, 'reconcile');
    assert.equal(incident!.posts[0]!.claim, 'b', 'the reconciling attempt now holds the post');
  });

  it('looks again less often the longer a resolution waits behind an announcement not out yet', () => {
    const resolved = run([ev('open', 0), ev('resolved', 200)]);
    const waitAt = (sec: number) => {
      const { claim } = claimPost(resolved, 'resolved-1', T0 + sec * 1000, compose);
      return claim.action === 'wait' ? claim.untilMs - (T0 + sec * 1000) : undefined;
    };
    const between = (ms: number | undefined, low: number, high: number) => ms !== undefined && ms >= low && ms < high;
    assert.ok(between(waitAt(200), 30_000, 36_000), `first looks: after 30 s (up to a fifth more): ${waitAt(200)}`);
    assert.equal(waitAt(200), waitAt(200), 'the same post always waits the same: the spread comes from its key');
    assert.ok(between(waitAt(200 + 60), 60_000, 72_000), `after a minute: after another minute: ${waitAt(260)}`);
    assert.ok(between(waitAt(200 + 240), 240_000, 288_000), `after 4 minutes: another 4: ${waitAt(440)}`);
    assert.equal(waitAt(200 + 3600), 300_000, 'never less often than every 5 minutes');
  });

  it('spreads the looks of resolutions resolved together over a fifth of the wait, so they do not all land in one second', () => {
    const waits = new Set(Array.from({ length: 200 }, (_, i) => {
      const resolved = run([ev('open', 0), ev('resolved', 200)]);
      const other = { ...resolved, key: `outage-${i}` };
      const { claim } = claimPost(other, 'resolved-1', T0 + 440_000, compose);
      return claim.action === 'wait' ? Math.floor((claim.untilMs - (T0 + 440_000)) / 1000) : -1;
    }));
    assert.ok(waits.size > 30, `200 resolutions look again in ${waits.size} different seconds`);
    assert.ok([...waits].every((s) => s >= 240 && s < 288));
  });

  it('leaves a post alone while the attempt that claimed it may still be talking to X', () => {
    const claimed = claimPost(run([ev('open', 0)]), 'open-1', T0 + 120_000, compose, { claim: 'a', leaseMs: 10_000 }).incident!;
    const { claim } = claimPost(claimed, 'open-1', T0 + 125_000, compose, { claim: 'b', leaseMs: 10_000 });
    assert.deepEqual(claim.action === 'wait' && claim.untilMs, T0 + 130_000);
  });

  it('lets only the attempt holding a post put it back', () => {
    const taken = claimPost(run([ev('open', 0)]), 'open-1', T0 + 120_000, compose, { claim: 'a', leaseMs: 10_000 }).incident!;
    assert.equal(releasePost(taken, 'open-1', { claim: 'stale', note: 'late answer' }), taken);
    assert.equal(releasePost(taken, 'open-1', { claim: 'a', note: '5xx' })!.posts[0]!.status, 'scheduled');
  });

  it('sends the same text again after an attempt that may have gone out, and a new one after a duplicate', () => {
    const first = claimPost(run([ev('open', 0)]), 'open-1', T0 + 120_000, compose, { claim: 'a', leaseMs: 10_000 }).incident!;
    const kept = releasePost({ ...first, posts: [{ ...first.posts[0]!, text: 'as sent' }] }, 'open-1', { claim: 'a', note: '503', uncertain: true })!;
    assert.deepEqual([kept.posts[0]!.text, kept.posts[0]!.uncertain], ['as sent', true]);
    const again = claimPost(kept, 'open-1', T0 + 121_000, compose, { claim: 'b', leaseMs: 10_000 });
    assert.equal(again.claim.action === 'send' && again.claim.post.text, 'as sent');
    const next = releasePost(again.incident, 'open-1', { claim: 'b', note: 'dup', nextVariant: true })!;
    assert.deepEqual([next.posts[0]!.text, next.posts[0]!.uncertain, next.posts[0]!.variantOffset], [undefined, undefined, 1]);
  });

  it('moves to the next variant after a duplicate refusal', () => {
    const claimed = claimPost(run([ev('open', 0)]), 'open-1', T0 + 120_000, compose).incident!;
    const released = releasePost(claimed, 'open-1', { note: 'dup', nextVariant: true })!;
    assert.equal(released.posts[0]!.status, 'scheduled');
    assert.equal(released.posts[0]!.variantOffset, 1);
  });

  it('matches a tweet as X returns it: escaped and with links shortened', () => {
    assert.ok(sameTweetText('Tom & Jerry <3\nhttps://status.example.com/x', 'Tom &amp; Jerry &lt;3\nhttps://t.co/abc'));
    assert.ok(!sameTweetText('a', 'b'));
  });
});
