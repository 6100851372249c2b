/**
 * Connects the metrics to the parts that produce them without those parts knowing: a hook on the
 * HTTP server for webhooks, worker events for deliveries, and a wrapper around the publisher.
 */
import type { Worker } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { IncidentStore } from '../incidents/store.ts';
import { announcement, timeToAnnounceMs } from '../journal/figures.ts';
import type { DeliveryJob } from '../queues.ts';
import { PublishError, type Publisher } from '../publish/publisher.ts';
import { webhookOutcome, type HeraldMetrics } from './metrics.ts';

const WEBHOOK_ROUTE = /^\/webhooks\/([^/:]+)$/;

/** Counts every answered webhook by source and outcome: on the context the webhook routes are registered in. */
export function countWebhooks(server: FastifyInstance, metrics: HeraldMetrics): void {
  server.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? '';
    const params = request.params as { source?: unknown } | undefined;
    const source = typeof params?.source === 'string' ? params.source : WEBHOOK_ROUTE.exec(route)?.[1];
    // Only routes herald defines: an unknown path must not become a label.
    if (!route.startsWith('/webhooks/') || !source) return;
    metrics.webhooks.inc({ source, outcome: webhookOutcome(reply.statusCode) });
  });
}

/**
 * The publisher with every attempt counted by outcome. A Proxy rather than a wrapper class, so
 * anything an adapter adds beyond `Publisher` stays reachable.
 */
export function countPosts<P extends Publisher>(publisher: P, metrics: HeraldMetrics, network: string): P {
  const post: Publisher['post'] = async (request) => {
    try {
      const published = await publisher.post(request);
      metrics.posts.inc({ outcome: 'posted', network });
      return published;
    } catch (err) {
      if (err instanceof PublishError) metrics.posts.inc({ outcome: err.reason, network });
      throw err;
    }
  };
  return new Proxy(publisher, {
    get(target, name) {
      if (name === 'post') return post;
      const value: unknown = Reflect.get(target, name);
      // Bound to the adapter itself: its methods may use private fields a Proxy cannot reach.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Records adopted posts and the time to announce when the delivery worker finishes a post. */
export function observeDeliveries(worker: Worker<DeliveryJob>, store: IncidentStore, metrics: HeraldMetrics, logger: Logger, networkOf: (job: DeliveryJob) => string): void {
  worker.on('completed', (job, result: unknown) => {
    const outcome = String(result);
    if (outcome.startsWith('adopted ')) metrics.posts.inc({ outcome: 'adopted', network: networkOf(job.data) });
    if (!outcome.startsWith('posted ') && !outcome.startsWith('adopted ')) return;
    store
      .get(job.data.key)
      .then((incident) => {
        if (!incident || announcement(incident)?.id !== job.data.postId) return;
        const ms = timeToAnnounceMs(incident);
        if (ms !== undefined) metrics.timeToAnnounce.observe(ms / 1000);
      })
      .catch((err) => logger.warn({ incident: job.data.key, err: (err as Error).message }, 'could not read the incident to time its announcement'));
  });
}
