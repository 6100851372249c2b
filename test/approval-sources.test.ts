/**
 * Several monitoring sources on one incident: every source's approval rule applies, the strictest
 * wins, so a second sender cannot release what the first one's rule holds (issue 25).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { approveDraft } from '../src/approval/drafts.ts';
import { holdForApproval } from '../src/approval/hold.ts';
import { decideForSources, type ApprovalPolicy } from '../src/approval/policy.ts';
import { DEFAULT_MESSAGES_DIR } from '../src/compose/catalog.ts';
import { incidentComposer } from '../src/compose/for-incident.ts';
import type { AlertEvent, Incident, Post } from '../src/incidents/model.ts';
import { applyEvent } from '../src/incidents/rules.ts';

const compose = incidentComposer({ messagesDir: DEFAULT_MESSAGES_DIR, locale: 'en', timezone: 'Asia/Seoul' });
const RULES = { graceMs: 60_000, reopenWindowMs: 3_600_000 };
const T0 = Date.parse('2026-05-20T00:00:00Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const GRAFANA_HOLDS: ApprovalPolicy = {
  required: false,
  rules: [
    { source: ['grafana'], approval: 'required', onTimeout: 'expire', timeoutMs: 600_000 },
    { approval: 'auto' },
  ],
};

function ev(status: AlertEvent['status'], seconds: number, overrides: Partial<AlertEvent> = {}): AlertEvent {
  return { key: 'talk-1', status, service: 'KakaoTalk', feature: 'messaging', severity: 'minor', at: at(seconds), source: 'grafana', receivedAt: at(seconds), ...overrides };
}

function run(policy: ApprovalPolicy, events: AlertEvent[]): Incident {
  return events.reduce<Incident | null>((current, e) => holdForApproval(current, applyEvent(current, e, RULES), { policy, compose, source: e.source, at: e.receivedAt }).incident, null)!;
}

describe('the strictest rule among an incident’s sources', () => {
  it('a hold beats no hold, and expiring beats posting anyway', () => {
    const decision = decideForSources(GRAFANA_HOLDS, { severity: 'major', feature: 'messaging', sources: ['generic', 'grafana'] });
    assert.deepEqual(decision, { hold: true, rule: 'rule 1 (source grafana)', timeoutMs: 600_000, onTimeout: 'expire' });
  });

  it('a generic update that raises severity does not release the draft Grafana’s rule holds', () => {
    const incident = run(GRAFANA_HOLDS, [ev('open', 0), ev('update', 30, { source: 'generic', severity: 'major' })]);
    assert.equal(incident.severity, 'major');
    assert.deepEqual(incident.sources, ['grafana', 'generic']);
    const open = incident.posts.find((p) => p.id === 'open-1')!;
    assert.equal(open.status, 'draft', JSON.stringify(incident.audit));
    assert.equal(open.approval?.onTimeout, 'expire');
  });

  it('a follow-up or a change of facts on a Grafana incident answers to Grafana’s rule', () => {
    const incident = run(GRAFANA_HOLDS, [ev('open', 0)]);
    for (const source of ['follow-up', 'facts']) {
      const decision = decideForSources(GRAFANA_HOLDS, { severity: incident.severity, feature: incident.feature, sources: [...incident.sources!, source] });
      assert.equal(decision.hold, true, source);
    }
  });
});

describe('a maintenance window’s "done"', () => {
  const ends = at(3600);
  const done: Post = { id: 'done-1', kind: 'announcement', status: 'scheduled', dueAt: ends, attempts: 0, notice: { kind: 'done', startsAt: at(0), endsAt: ends } };
  const window: Incident = {
    key: 'maint-1', service: 'KakaoTalk', feature: 'messaging', severity: 'minor', state: 'resolved', openedAt: at(0), resolvedAt: ends, firstSeenAt: at(0), events: 0,
    posts: [done], topic: 'maintenance', maintenance: { key: 'maint-1', service: 'KakaoTalk', impacts: [{ feature: 'messaging' }], startsAt: at(0), endsAt: ends, announceAhead: [] } as unknown as Incident['maintenance'],
  };

  it('waits for a person, but goes out at the window’s end when nobody answers', () => {
    const held = holdForApproval(null, { incident: window, changed: true, scheduled: [done], cancelled: [] }, { policy: { required: true, rules: [] }, compose: () => ({ text: 'Maintenance is over.', variant: 0 }), source: 'maintenance', at: at(10) });
    const draft = held.scheduled[0]!;
    assert.equal(draft.status, 'draft');
    assert.deepEqual([draft.approval?.deadline, draft.approval?.onTimeout], [ends, 'post']);
  });

  it('approved early, still says it when the window ends, not before', () => {
    const drafted: Incident = { ...window, posts: [{ ...done, status: 'draft', text: 'Maintenance is over.', approval: { rule: 'HERALD_APPROVAL=required', heldAt: at(10), deadline: ends, onTimeout: 'post' } }] };
    const approved = approveDraft(drafted, 'done-1', { actor: 'bo', at: at(20) });
    assert.ok(approved.outcome.ok);
    assert.equal(approved.outcome.post.dueAt, ends);
  });
});
