import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { languageOf } from '../compose/locale-format.ts';
import { tweetLanguages, tweetLinks } from '../accounts/wiring.ts';
import type { RedisClient as Redis } from '../redis/connect.ts';
import type { Logger } from 'pino';
import type { Approvals } from '../approval/service.ts';
import type { ApprovalHold } from '../incidents/adapters/apply.ts';
import type { DraftNews } from '../incidents/draft-news.ts';
import { incidentFacts } from './incident-facts.ts';
import type { Config } from '../config.ts';
import type { IncidentStore } from '../incidents/store.ts';
import type { Queues } from '../queues.ts';
import { maintenanceApi } from '../maintenance/adapters/routes.ts';
import { maintenanceConsole } from '../maintenance/adapters/console.ts';
import type { Maintenance } from '../maintenance/adapters/service.ts';
import { approvalApi } from './api.ts';
import { ConsoleEvents } from './live.ts';
import { consolePages, type PagesDeps } from './pages.ts';
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
  /** What people do, built in app/services.ts (where the workers' approval hold is built too). */
  approvals: Approvals;
  maintenance: Maintenance;
  /** The approval hold a change of facts plans its posts through, as every event does. */
  hold: ApprovalHold;
  /** Told of drafts a change of facts makes (staff notices, live consoles). */
  news?: DraftNews;
  /** Sources over the flood cap now, for the banner on every page (PagesDeps). */
  floods?: PagesDeps['floods'];
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
  const { approvals, maintenance } = options;

  await app.register(approvalApi, { approvals, store: options.store, sessions, features: config.features });
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
    facts: incidentFacts(config, { store: options.store, queues: options.queues, hold: options.hold, news: options.news, language: languageOf(config.locale) }),
    events,
    tweetUrl: tweetLinks(config),
    tweetLang: tweetLanguages(config),
    dryRun: options.publisherMode === 'dry-run',
    signInLimit: options.signInLimit ?? { max: 10, windowMs: 60_000 },
    floods: options.floods,
  });
}
