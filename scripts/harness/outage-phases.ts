/**
 * The fault harness's two bad days beyond crashes and random faults: X failing every call for a
 * while, and Redis restarting empty. Each returns what it measured and what went wrong; the
 * harness then drains and judges every incident as usual (one root, one reply, recorded).
 */
import type { FakeX } from '../../test/helpers/fake-x.ts';
import type { RedisServer } from '../../test/helpers/redis-servers.ts';

type Call = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;

export interface PhaseContext {
  fakeX: FakeX;
  redis: RedisServer;
  call: Call;
  /** Sends an event until herald answers 202. */
  deliver(event: Record<string, unknown>): Promise<void>;
  /** The event fields of incident `i` (key, service, feature, severity). */
  eventOf(i: number): Record<string, unknown>;
  incidentOf(text: string): string | undefined;
  sleep(ms: number): Promise<unknown>;
  /** Accounts herald posts each incident on: 1, or 3 with `--networks`. */
  accounts: number;
  /** Posts on every network's fake, X's included. */
  postsEverywhere(): number;
}

export interface PhaseResult {
  lines: string[];
  problems: string[];
}

/** Polls `check` every 250 ms; the seconds it took, or undefined after `timeoutMs`. */
async function secondsUntil(ctx: PhaseContext, check: () => Promise<boolean>, timeoutMs: number): Promise<number | undefined> {
  const from = Date.now();
  while (Date.now() - from < timeoutMs) {
    if (await check().catch(() => false)) return (Date.now() - from) / 1000;
    await ctx.sleep(250);
  }
  return undefined;
}

const healthIs = (ctx: PhaseContext, status: string) => async () => (await ctx.call('GET', '/healthz/x')).body?.status === status;
const tweetsOf = async (ctx: PhaseContext, key: string) => ((await ctx.call('GET', `/api/incidents/${encodeURIComponent(key)}`)).body?.tweets ?? []).length as number;

/**
 * X answers 500 to every call for `outageMs` while `indexes` open and resolve. herald must say
 * x-unavailable within 20 s and have every post out within seconds of X's recovery.
 */
export async function xOutage(ctx: PhaseContext, indexes: number[], outageMs: number): Promise<PhaseResult> {
  const problems: string[] = [];
  await ctx.fakeX.outage('500');
  const driving = Promise.all(indexes.map(async (i) => {
    await ctx.sleep(Math.random() * outageMs * 0.3);
    await ctx.deliver({ ...ctx.eventOf(i), status: 'open' });
    await ctx.sleep(1000);
    await ctx.deliver({ ...ctx.eventOf(i), status: 'resolved' });
  }));
  const unavailableAfter = await secondsUntil(ctx, healthIs(ctx, 'x-unavailable'), 30_000);
  if (unavailableAfter === undefined || unavailableAfter > 20) problems.push(`X outage: /healthz/x did not say x-unavailable within 20 s (${unavailableAfter ?? 'never'})`);
  await driving;
  await ctx.sleep(Math.max(0, outageMs - (unavailableAfter ?? 0) * 1000));
  await ctx.fakeX.outage(undefined);
  const back = Date.now();
  const keys = indexes.map((i) => String(ctx.eventOf(i).key));
  const allOut = await secondsUntil(ctx, async () => (await Promise.all(keys.map((k) => tweetsOf(ctx, k)))).every((n) => n === 2 * ctx.accounts), 120_000);
  const firstAfter = ctx.fakeX.posts.find((p) => p.at.getTime() >= back && keys.includes(ctx.incidentOf(p.text) ?? ''));
  return {
    lines: [`x outage   ${Math.round(outageMs / 1000)} s of 500s: x-unavailable after ${unavailableAfter ?? '-'} s; first post ${firstAfter ? ((firstAfter.at.getTime() - back) / 1000).toFixed(1) : '-'} s and all ${keys.length * 2} posts ${allOut?.toFixed(1) ?? '-'} s after X came back`],
    problems,
  };
}

/**
 * Redis restarts empty while `live` incidents have their root on X (and, with `--networks`, on
 * Bluesky and Mastodon). herald must notice within 15 s and hold every account; a person follows
 * docs/faults.md: re-attaches each account's live root from its own `lost` list
 * (`/healthz/accounts`) and resumes each account; the resolutions then thread under the live roots
 * and the incidents opened meanwhile go out, once, on every account.
 */
export async function redisForgets(ctx: PhaseContext, live: number[], meanwhile: number[], epochCheckMs: number): Promise<PhaseResult> {
  const problems: string[] = [];
  for (const i of live) await ctx.deliver({ ...ctx.eventOf(i), status: 'open' });
  const liveKeys = live.map((i) => String(ctx.eventOf(i).key));
  await secondsUntil(ctx, async () => (await Promise.all(liveKeys.map((k) => tweetsOf(ctx, k)))).every((n) => n === ctx.accounts), 60_000);
  await ctx.sleep(epochCheckMs * 2); // every process has seen the live incidents once

  await ctx.redis.restartEmpty();
  const lostAfter = await secondsUntil(ctx, healthIs(ctx, 'redis-data-lost'), 30_000);
  if (lostAfter === undefined || lostAfter > 15) problems.push(`Redis forgot: /healthz/x did not say redis-data-lost within 15 s (${lostAfter ?? 'never'})`);
  const heldAt = ctx.postsEverywhere();

  // The monitoring side goes on: an update for each live incident (never a second root), then the
  // person re-attaches it to its root, then it resolves; new incidents open and resolve meanwhile.
  for (const i of live) await ctx.deliver({ ...ctx.eventOf(i), status: 'update' });
  await ctx.sleep(1000);
  const accounts = await heldAccounts(ctx, problems);
  for (const [n, i] of live.entries()) {
    const key = liveKeys[n]!;
    for (const account of accounts) {
      const lost = account.lost.find((l) => l.key === key);
      // The default account's root is also found on X by its text, should the list have missed it.
      const rootId = lost?.rootTweetId ?? (account.account === 'x' ? ctx.fakeX.posts.find((p) => p.inReplyTo === undefined && ctx.incidentOf(p.text) === key)?.id : undefined);
      if (!rootId) {
        problems.push(`${key}: no root of account ${account.account} to attach`);
        continue;
      }
      const body = { tweetId: rootId, account: account.account, ...(lost?.rootCid && { cid: lost.rootCid }) };
      for (;;) {
        const res = await ctx.call('POST', `/api/incidents/${encodeURIComponent(key)}/thread`, body).catch(() => ({ status: 0, body: undefined }));
        if (res.status === 200) break;
        await ctx.sleep(300);
      }
    }
    await ctx.deliver({ ...ctx.eventOf(i), status: 'resolved' });
  }
  for (const i of meanwhile) await ctx.deliver({ ...ctx.eventOf(i), status: 'open' });
  await ctx.sleep(1500);
  for (const i of meanwhile) await ctx.deliver({ ...ctx.eventOf(i), status: 'resolved' });
  await ctx.sleep(3000);
  const whileHeld = ctx.postsEverywhere() - heldAt;
  if (whileHeld > 0) problems.push(`Redis forgot: ${whileHeld} post(s) went out while posting was held`);

  for (const { account } of accounts) {
    const resumed = await ctx.call('POST', `/api/accounts/${account}/resume`, {});
    if (resumed.body?.resumed !== true) problems.push(`Redis forgot: POST /api/accounts/${account}/resume did not resume (${JSON.stringify(resumed.body)})`);
  }
  return {
    lines: [`redis      restarted empty: redis-data-lost after ${lostAfter ?? '-'} s on ${accounts.map((a) => a.account).join(', ')}; ${whileHeld} posts while held; ${live.length} live incidents re-attached on each account, ${meanwhile.length} opened meanwhile`],
    problems,
  };
}

type HeldAccount = { account: string; status: string; lost: { key: string; rootTweetId: string | null; rootCid?: string }[] };

/** Every account as `/healthz/accounts` lists it; each must be held after the loss. */
async function heldAccounts(ctx: PhaseContext, problems: string[]): Promise<HeldAccount[]> {
  const res = await ctx.call('GET', '/healthz/accounts');
  const accounts = (res.body?.accounts ?? []) as HeldAccount[];
  for (const a of accounts) if (a.status !== 'redis-data-lost') problems.push(`Redis forgot: account ${a.account} was ${a.status}, not held`);
  if (res.status !== 503) problems.push(`Redis forgot: /healthz/accounts answered ${res.status}, not 503`);
  return accounts.map((a) => ({ ...a, lost: a.lost ?? [] }));
}
