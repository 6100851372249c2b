import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { floodDecision, floodVerdict, gateEvents, openingKeys } from '../src/incidents/flood-rules.ts';
import type { AlertEvent } from '../src/incidents/model.ts';
import { translator } from '../src/console/i18n.ts';
import { emailMessage } from '../src/notices/email.ts';
import { digestNotice, intoDigest } from '../src/notices/notice.ts';
import { slackMessage } from '../src/notices/slack.ts';
import { webhookBody } from '../src/notices/webhook.ts';

const ev = (key: string, status: AlertEvent['status'] = 'open'): AlertEvent => ({
  key, status, service: key, feature: 'messaging', severity: 'critical', at: '2026-05-20T00:00:00Z', source: 'alertmanager', receivedAt: '2026-05-20T00:00:00Z',
});

describe('the flood cap (pure rules)', () => {
  it('admits new incidents up to the cap in a minute and holds the rest', () => {
    assert.deepEqual(floodDecision(5, { before: 0, previous: 0 }, 20), { admitted: 5, held: 0, flood: false, firstHold: false });
    assert.deepEqual(floodDecision(5000, { before: 0, previous: 0 }, 20), { admitted: 20, held: 4980, flood: true, firstHold: true });
    assert.deepEqual(floodDecision(10, { before: 15, previous: 0 }, 20), { admitted: 5, held: 5, flood: true, firstHold: true });
    assert.deepEqual(floodDecision(10, { before: 30, previous: 0 }, 20), { admitted: 0, held: 10, flood: true, firstHold: false }, 'only the payload that crosses the cap logs');
  });

  it('counts a flood on while the last minute was over the cap, even under it now', () => {
    assert.deepEqual(floodDecision(3, { before: 0, previous: 500 }, 20), { admitted: 3, held: 0, flood: true, firstHold: false });
  });

  it('takes each key once, and never a resolution, as a new incident', () => {
    assert.deepEqual(openingKeys([ev('a'), ev('b', 'resolved'), ev('a'), ev('c', 'update')]), ['a', 'c']);
  });

  it('keeps every event of a held key from the public and marks those opened in a flood', () => {
    const events = [ev('a'), ev('b'), ev('b', 'resolved'), ev('c')];
    const verdict = floodVerdict(['a', 'b', 'c'], floodDecision(3, { before: 18, previous: 0 }, 20));
    const gated = gateEvents(events, ['1', '2', '3', '4'], verdict);
    assert.deepEqual(gated.events.map((e) => [e.key, e.flood]), [['a', true], ['b', true], ['b', true]]);
    assert.deepEqual(gated.ids, ['1', '2', '3']);
    assert.deepEqual(gated.held.map((e) => e.key), ['c']);
  });
});

describe('the staff digest (pure rendering)', () => {
  const digest = digestNotice(Date.parse('2026-05-20T00:00:00Z'), 15, { alertmanager: 4980, generic: 0 }, 'https://herald.example.test/')!;

  it('says nothing when the window had nothing beyond the notices of their own', () => {
    assert.equal(digestNotice(0, 0, { alertmanager: 0 }, undefined), undefined);
    assert.equal(intoDigest(10, 10), false);
    assert.equal(intoDigest(11, 10), true);
  });

  it('renders the same counts and link for Slack, email and the JSON webhook', () => {
    const tr = translator('en');
    const slack = slackMessage(digest, tr, 'UTC');
    const text = JSON.stringify(slack.blocks);
    assert.match(slack.text!, /Many at once/);
    assert.match(text, /15 more drafts wait for approval/);
    assert.match(text, /4,980 new incidents from alertmanager kept from the public/);
    assert.doesNotMatch(text, /from generic/, 'a source that held nothing is not named');
    assert.match(text, /"url":"https:\/\/herald.example.test\/console"/);
    const mail = emailMessage(digest, tr, 'UTC');
    assert.match(mail.text, /4,980 new incidents from alertmanager/);
    assert.match(mail.html, /href="https:\/\/herald.example.test\/console"/);
    const body = JSON.parse(webhookBody(digest, '2026-05-20T00:01:01Z'));
    assert.equal(body.event, 'drafts.digest');
    assert.deepEqual([body.drafts, body.held.alertmanager], [15, 4980]);
  });
});
