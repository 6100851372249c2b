import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { HeraldError, InvalidPayload } from '../../errors.ts';
import { requires } from '../../auth/guard.ts';
import { deliveryJobFor, scheduleDelivery, type DeliveryJob } from '../../queues.ts';
import { DEFAULT_ACCOUNT, type AccountId, type AccountIds } from '../accounts.ts';
import { attachThread, type Attached } from '../attach-thread.ts';
import type { IncidentStore } from '../store.ts';
import { incidentView } from './api.ts';
import type { ApprovalHold } from './apply.ts';
import { tellDrafted, type DraftNews } from '../draft-news.ts';

/** The source the approval policy sees for what attaching a thread plans (the resolution it owed, replies that gave up). */
export const THREAD_SOURCE = 'thread';

/** A tweet or Mastodon status id (digits), or a Bluesky post's at:// uri. */
const POST_ID = /^(\d{1,25}|at:\/\/[\w.:%-]+\/app\.bsky\.feed\.post\/[\w]+)$/;
const CID = /^[a-z0-9]{20,100}$/;

/**
 * `POST /api/incidents/:key/thread` with `{"tweetId": "...", "account": "ja"}`: attaches one
 * account's thread of an incident to the root already live on that account (the default account
 * when `account` is absent or `x`; a Bluesky root also needs its `cid`), so its updates and
 * resolution thread under it (docs/faults.md).
 */
export async function threadRoutes(
  app: FastifyInstance,
  deps: { store: IncidentStore; posts: Queue<DeliveryJob>; accounts: AccountIds; hold?: ApprovalHold; news?: DraftNews },
) {
  app.post<{ Params: { key: string }; Body: unknown }>('/api/incidents/:key/thread', requires('admin'), async (request) => {
    const body = (request.body ?? {}) as { tweetId?: unknown; account?: unknown; cid?: unknown };
    const { tweetId, cid } = body;
    if (typeof tweetId !== 'string' || !POST_ID.test(tweetId)) {
      throw new InvalidPayload('tweetId must be the id of the live root: digits (X, Mastodon) or an at:// uri (Bluesky)', ['tweetId: the id of the live root']);
    }
    const named = body.account ?? DEFAULT_ACCOUNT;
    if (typeof named !== 'string' || !deps.accounts.includes(named)) {
      throw new InvalidPayload('account must be one of herald\'s accounts', [`account: one of ${deps.accounts.join(', ')}`]);
    }
    if (cid !== undefined && (typeof cid !== 'string' || !CID.test(cid))) {
      throw new InvalidPayload('cid must be the Bluesky content id of the root', ['cid: the root\'s content id']);
    }
    const account: AccountId = named;
    const { key } = request.params;
    const at = new Date().toISOString();
    const result = await deps.store.update(key, (current): { next: typeof current; result: Attached } => {
      const attached = attachThread(current, { key, account, tweetId, ...(cid !== undefined && { cid }), actor: request.principal!.name, at });
      if (!attached.ok || !deps.hold || attached.scheduled.length === 0) return { next: attached.ok ? attached.incident : current, result: attached };
      const held = deps.hold(current, { incident: attached.incident, changed: true, scheduled: attached.scheduled, cancelled: [] }, { source: THREAD_SOURCE, receivedAt: at });
      return { next: held.incident, result: { ok: true, incident: held.incident, scheduled: held.scheduled } };
    });
    if (!result.ok) throw new HeraldError('HERALD_CONFLICT', result.error, { status: result.status });
    for (const post of result.scheduled) await scheduleDelivery(deps.posts, deliveryJobFor(key, post), post.dueAt);
    await tellDrafted(deps.news, result.incident, result.scheduled);
    request.log.warn({ incident: key, account, tweet: tweetId, planned: result.scheduled.map((p) => p.id) }, 'incident attached by a person to a live tweet');
    return incidentView(result.incident);
  });
}
