import type { PostOrigin } from '../incidents/adapters/incident-worker.ts';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { accountComposer, tweetLinks } from '../accounts/wiring.ts';
import type { RedisClient as Redis } from '../redis/connect.ts';
import type { Logger } from 'pino';
import { holdForApproval } from '../approval/hold.ts';
import type { DraftNews } from '../approval/news.ts';
import { Approvals } from '../approval/service.ts';
import { incidentFacts } from './incident-facts.ts';
import { noticeComposer } from '../compose/for-notice.ts';
import type { Config } from '../config.ts';
import type { AlertEvent, Incident } from '../incidents/model.ts';
import type { Applied } from '../incidents/rules.ts';
import type { IncidentStore } from '../incidents/store.ts';
import type { Queues } from '../queues.ts';
import { maintenanceApi } from '../maintenance/adapters/routes.ts';
import { maintenanceConsole } from '../maintenance/adapters/console.ts';
import { maintenanceFor } from '../maintenance/adapters/wiring.ts';
import { approvalApi } from './api.ts';
import { ConsoleEvents } from './live.ts';
import { consolePages } from './pages.ts';
import type { SessionStore } from '../auth/sessions.ts';

export interface ConsoleOptions {
  config: Readonly<Config>;
  redis: Redis;
  store: IncidentStore;
  queues: Queues;
  /** How the default account posts: `dry-run` says so on every page. */
  publisherMode: string;
  logger: Logger;
  /** The sessions auth/principal.ts reads; cookies, CSRF and `request.principal` are registered on the root server (auth/plugin.ts). */
  sessions: SessionStore;
  signInLimit?: { max: number; windowMs: number };
  /** Told of drafts people make and decide here (staff notices, live consoles). */
  news?: DraftNews;
}

/**
 * The incident worker's side of the policy: what an event planned, held where the policy says.
 * Each draft is written by its own account's composer, in that account's language and zone.
 */
export function approvalHold(config: Pick<Config, 'approvalPolicy' | 'messagesDir' | 'locale' | 'timezone' | 'statusUrl' | 'accounts'>) {
  const compose = accountComposer(config);
  return (previous: Incident | null, applied: Applied, origin: PostOrigin) =>
    holdForApproval(previous, applied, { policy: config.approvalPolicy, compose, source: origin.source, at: origin.receivedAt });
}

/**
 * The console at /console and the JSON API for drafts, with their own security layer: security
 * headers, form bodies and a sign-in rate limit apply to these routes only.
 */
export async function consoleAndApi(app: FastifyInstance, options: ConsoleOptions) {
  const { config } = options;
  await app.register(helmet, {
    contentSecurityPolicy: { directives: { 'upgrade-insecure-requests': null, 'form-action': ["'self'"], 'frame-ancestors': ["'none'"] } },
  });
  await app.register(formbody, { bodyLimit: 64 * 1024 });
  await app.register(rateLimit, { global: false, redis: options.redis, nameSpace: `${config.redisPrefix}:sign-in-limit:` });

  const { sessions } = options;
  const events = new ConsoleEvents(options.redis, config.redisPrefix, options.logger);
  app.addHook('onClose', () => events.close());
  const approvals = new Approvals({
    store: options.store,
    queues: options.queues,
    policy: config.approvalPolicy,
    compose: accountComposer(config),
    composeNotice: noticeComposer(config),
    rules: { graceMs: config.graceMs, reopenWindowMs: config.reopenWindowMs },
    logger: options.logger,
    news: options.news,
  });

  await app.register(approvalApi, { approvals, store: options.store, sessions });
  const { maintenance, close } = maintenanceFor(config, { store: options.store, redis: options.redis, queues: options.queues, logger: options.logger });
  app.addHook('onClose', close);
  await app.register(maintenanceApi, { maintenance });
  await app.register(maintenanceConsole, {
    maintenance,
    users: config.users,
    locale: config.locale,
    timezone: config.timezone,
    tweetUrl: tweetLinks(config),
    dryRun: options.publisherMode === 'dry-run',
    waiting: async () => (await approvals.waiting()).length,
  });
  await app.register(consolePages, {
    approvals,
    store: options.store,
    sessions,
    users: config.users,
    locale: config.locale,
    timezone: config.timezone,
    facts: incidentFacts(config, { store: options.store, queues: options.queues, hold: approvalHold(config), news: options.news }),
    events,
    tweetUrl: tweetLinks(config),
    dryRun: options.publisherMode === 'dry-run',
    signInLimit: options.signInLimit ?? { max: 10, windowMs: 60_000 },
  });
}
