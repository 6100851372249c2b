import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HeraldError, InvalidPayload, invalidPayload } from '../../errors.ts';
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

/** The body of `POST /api/incidents/:key/thread`; which accounts exist is configuration, checked after. */
export const threadBodySchema = z.object({
  tweetId: z.string().regex(POST_ID, 'the id of the live root: digits (X, Mastodon) or an at:// uri (Bluesky)'),
  account: z.string().max(100).optional(),
  cid: z.string().regex(CID, "the Bluesky root's content id").optional(),
});

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
    const parsed = threadBodySchema.safeParse(request.body ?? {});
    if (!parsed.success) {
      const fields = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0] ?? '(body)')))];
      throw new InvalidPayload(`not a thread to attach: ${fields.join(', ')}`, invalidPayload(parsed.error).details);
    }
    const { tweetId, cid } = parsed.data;
    const named = parsed.data.account ?? DEFAULT_ACCOUNT;
    if (!deps.accounts.includes(named)) {
      throw new InvalidPayload('account must be one of herald\'s accounts', [`account: one of ${deps.accounts.join(', ')}`]);
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
