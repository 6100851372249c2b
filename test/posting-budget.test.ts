import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { budgetClass, deliveryPriority, inFlood } from '../src/incidents/delivery-priority.ts';
import type { Incident, Post } from '../src/incidents/model.ts';
import { Budget } from '../src/publish/budget.ts';
import { deletePrefix, REDIS_URL } from './helpers/herald.ts';

describe('the posting budget in Redis', () => {
  const prefix = `herald-budget-${randomUUID().slice(0, 8)}`;
  // Two connections stand for two worker processes.
  const a = new Redis(REDIS_URL);
  const b = new Redis(REDIS_URL);
  after(async () => {
    await deletePrefix(a, prefix);
    a.disconnect();
    b.disconnect();
  });
  const windows = [
    { label: '15min', ms: 15 * 60_000, limit: 5 },
    { label: '24h', ms: 24 * 3600_000, limit: 8 },
  ];
  const budgets = (name: string, reserve = 0) => [new Budget(a, `${prefix}:${name}`, windows, reserve), new Budget(b, `${prefix}:${name}`, windows, reserve)] as const;

  it("keeps the reserve from a flood incident's reply, which may still use the replies' share", async () => {
    const [budget] = budgets('flood-reply', 2);
    const taken: boolean[] = [];
    for (let i = 0; i < 5; i++) taken.push((await budget.take('flood-reply')).ok);
    assert.deepEqual(taken, [true, true, true, false, false]);
    assert.ok((await budget.take('reply')).ok, 'a real reply still finds the reserve');
  });

  it('never hands out more units than the limit, however many workers ask at once', async () => {
    const [one, two] = budgets('race');
    const takes = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? one : two).take()));
    assert.equal(takes.filter((t) => t.ok).length, 5);
  });

  it('says when the next unit frees: when the oldest one leaves the window', async () => {
    const [budget] = budgets('retry');
    for (let i = 0; i < 5; i++) assert.ok((await budget.take()).ok);
    const view = await budget.view();
    const refused = await budget.take();
    assert.equal(refused.ok, false);
    assert.equal(!refused.ok && new Date(refused.retryAtMs).toISOString(), view.windows[0]!.nextFreeAt);
  });

  it('counts the tighter of the two windows', async () => {
    const [budget] = budgets('daily');
    const view = await budget.view();
    assert.deepEqual(view.windows.map((w) => [w.window, w.limit, w.remaining]), [['15min', 5, 5], ['24h', 8, 8]]);
  });

  it('keeps the reserve from deferrable posts but not from essential ones', async () => {
    const [budget] = budgets('reserve', 2);
    const deferrable = [];
    for (let i = 0; i < 4; i++) deferrable.push((await budget.take('deferrable')).ok);
    assert.deepEqual(deferrable, [true, true, true, false]);
    assert.ok((await budget.take('essential')).ok);
    assert.ok((await budget.take('essential')).ok);
    assert.equal((await budget.take('essential')).ok, false);
  });

  it('keeps a share of every window for replies in live threads, which may use the whole window', async () => {
    const budget = new Budget(a, `${prefix}:replies`, [windows[0]!], 1, 0.4);
    // 40 % of 5 is 2 units for replies; a deferrable post leaves the reserve of 1 as well.
    assert.ok((await budget.take('deferrable')).ok);
    assert.ok((await budget.take('deferrable')).ok);
    assert.equal((await budget.take('deferrable')).ok, false);
    assert.ok((await budget.take('essential')).ok);
    assert.equal((await budget.take('essential')).ok, false, 'an announcement never takes the replies\' share');
    assert.ok((await budget.take('reply')).ok);
    assert.ok((await budget.take('reply')).ok);
    assert.equal((await budget.take('reply')).ok, false);
  });

  it('says once that it holds a post back, and counts the posts it holds', async () => {
    const budget = new Budget(a, `${prefix}:holding`, windows);
    const later = Date.now() + 60_000;
    assert.equal(await budget.holding('k~open-1', later), true);
    assert.equal(await budget.holding('k~open-1', later + 1000), false, 'the second time is not news');
    assert.equal(await budget.holding('k~open-2', later), true);
    assert.equal((await budget.view()).waiting, 2);
    assert.equal(await budget.sent('k~open-1'), true);
    assert.equal(await budget.sent('k~open-3'), false);
    assert.equal((await budget.view()).waiting, 1);
  });

  it('gives a unit back on refund', async () => {
    const [budget] = budgets('refund');
    const tickets = [];
    for (let i = 0; i < 5; i++) tickets.push(await budget.take());
    const first = tickets[0]!;
    assert.ok(first.ok);
    await budget.refund(first.ticket);
    assert.ok((await budget.take()).ok);
  });
});

describe('what goes first when the budget is short', () => {
  const post = (kind: Post['kind'], status: Post['status'] = 'scheduled', id = `${kind}-1`): Post => ({ id, kind, status, dueAt: '2026-05-20T00:00:00Z', attempts: 0 });
  const incident = (severity: Incident['severity'], posts: Post[]): Incident => ({
    key: 'k', service: 'KakaoTalk', feature: 'messaging', severity, state: 'open',
    openedAt: '2026-05-20T00:00:00Z', firstSeenAt: '2026-05-20T00:00:00Z', events: 1, posts,
  });

  it('runs resolutions first, then announcements by severity, then updates', () => {
    const order = [
      deliveryPriority({ severity: 'minor' }, { kind: 'resolved' }),
      deliveryPriority({ severity: 'critical' }, { kind: 'open' }),
      deliveryPriority({ severity: 'major' }, { kind: 'open' }),
      deliveryPriority({ severity: 'minor' }, { kind: 'open' }),
      deliveryPriority({ severity: 'major' }, { kind: 'update' }),
    ];
    assert.deepEqual(order, [...order].sort((x, y) => x - y));
    assert.ok(order.every((p) => p >= 1), 'BullMQ runs priority 0 before all others');
  });

  it('lets updates and minor announcements wait, but not resolutions or major announcements', () => {
    assert.equal(budgetClass(incident('major', [post('update')]), post('update')), 'deferrable');
    assert.equal(budgetClass(incident('minor', [post('open')]), post('open')), 'deferrable');
    assert.equal(budgetClass(incident('minor', [post('resolved')]), post('resolved')), 'essential');
    assert.equal(budgetClass(incident('major', [post('open')]), post('open')), 'essential');
  });

  it('makes a resolution or a reopening in a live thread a reply, which may use the whole budget', () => {
    const root: Post = { ...post('open', 'posted'), tweetId: '1' };
    assert.equal(budgetClass(incident('minor', [root, post('resolved')]), post('resolved')), 'reply');
    assert.equal(budgetClass(incident('major', [root, post('reopened')]), post('reopened')), 'reply');
    assert.equal(budgetClass(incident('major', [root, post('update')]), post('update')), 'deferrable', 'an update leaves the replies their share');
    const jaResolution: Post = { ...post('resolved', 'scheduled', 'ja.resolved-1'), account: 'ja' };
    assert.equal(budgetClass(incident('major', [root, { ...post('open', 'scheduled', 'ja.open-1'), account: 'ja' }, jaResolution]), jaResolution), 'essential', "another account's live root is not this thread's");
  });

  it('never lets an incident opened in a flood use the reserve: its posts wait like updates, its replies keep the reserve free', () => {
    const flood = (severity: Incident['severity'], posts: Post[]): Incident => ({ ...incident(severity, posts), flood: true });
    assert.equal(budgetClass(flood('critical', [post('open')]), post('open')), 'deferrable');
    assert.equal(budgetClass(flood('critical', [post('open'), post('resolved')]), post('open')), 'deferrable');
    const root: Post = { ...post('open', 'posted'), tweetId: '1' };
    assert.equal(budgetClass(flood('critical', [root, post('resolved')]), post('resolved')), 'flood-reply');
    assert.deepEqual((['reply', 'essential', 'deferrable', 'flood-reply'] as const).map(inFlood), ['flood-reply', 'deferrable', 'deferrable', 'flood-reply'], 'found out when the post goes: the same classes');
  });

  it('makes a minor announcement essential once a resolution waits for it', () => {
    const open = post('open');
    assert.equal(budgetClass(incident('minor', [open, post('resolved')]), open), 'essential');
  });
});
