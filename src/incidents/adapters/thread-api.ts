import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { tellDrafted, type DraftNews } from '../../approval/news.ts';
import { requires } from '../../auth/guard.ts';
import { scheduleDelivery, type DeliveryJob } from '../../queues.ts';
import { attachThread, type Attached } from '../attach-thread.ts';
import type { IncidentStore } from '../store.ts';
import { incidentView } from './api.ts';
import type { ApprovalHold } from './incident-worker.ts';

/** The source the approval policy sees for what attaching a thread plans (the resolution it owed, replies that gave up). */
export const THREAD_SOURCE = 'thread';

const TWEET_ID = /^\d{1,25}$/;

/**
 * `POST /api/incidents/:key/thread` with `{"tweetId": "..."}`: attaches an incident to the root
 * tweet already live on X, so its updates and resolution thread under it (docs/faults.md).
 */
export async function threadRoutes(app: FastifyInstance, deps: { store: IncidentStore; posts: Queue<DeliveryJob>; hold?: ApprovalHold; news?: DraftNews }) {
  app.post<{ Params: { key: string }; Body: unknown }>('/api/incidents/:key/thread', requires('admin'), async (request, reply) => {
    const tweetId = (request.body as { tweetId?: unknown } | null)?.tweetId;
    if (typeof tweetId !== 'string' || !TWEET_ID.test(tweetId)) {
      return reply.code(400).send({ error: 'tweetId must be the id of the live tweet, a string of digits', details: ['tweetId: the id of the live tweet, digits only'] });
    }
    const { key } = request.params;
    const at = new Date().toISOString();
    const result = await deps.store.update(key, (current): { next: typeof current; result: Attached } => {
      const attached = attachThread(current, { key, tweetId, actor: request.principal!.name, at });
      if (!attached.ok || !deps.hold || attached.scheduled.length === 0) return { next: attached.ok ? attached.incident : current, result: attached };
      const held = deps.hold(current, { incident: attached.incident, changed: true, scheduled: attached.scheduled, cancelled: [] }, { source: THREAD_SOURCE, receivedAt: at });
      return { next: held.incident, result: { ok: true, incident: held.incident, scheduled: held.scheduled } };
    });
    if (!result.ok) return reply.code(result.status).send({ error: result.error, details: [] });
    for (const post of result.scheduled) await scheduleDelivery(deps.posts, { key, postId: post.id }, post.dueAt);
    await tellDrafted(deps.news, result.incident, result.scheduled);
    request.log.warn({ incident: key, tweet: tweetId, planned: result.scheduled.map((p) => p.id) }, 'incident attached by a person to a live tweet');
    return incidentView(result.incident);
  });
}
