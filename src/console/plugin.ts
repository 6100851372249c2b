import type { PostOrigin } from '../incidents/adapters/incident-worker.ts';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { RedisClient as Redis } from '../ops/redis-connect.ts';
import type { Logger } from 'pino';
import { holdForApproval } from '../approval/hold.ts';
import { Approvals } from '../approval/service.ts';
import { incidentComposer } from '../compose/for-incident.ts';
import { noticeComposer } from '../compose/for-notice.ts';
import type { Config } from '../config.ts';
import type { AlertEvent, Incident } from '../incidents/model.ts';
import type { Applied } from '../incidents/rules.ts';
import type { IncidentStore } from '../incidents/store.ts';
import type { Queues } from '../queues.ts';
import { approvalApi } from './api.ts';
import { consolePages } from './pages.ts';
import { resolvePrincipal } from './principal.ts';
import { SessionStore } from './sessions.ts';

export interface ConsoleOptions {
  config: Readonly<Config>;
  redis: Redis;
  store: IncidentStore;
  queues: Queues;
  /** `x` links posted tweets to x.com; in dry-run there is nothing to link to. */
  publisherMode: string;
  logger: Logger;
  signInLimit?: { max: number; windowMs: number };
}

/** The incident worker's side of the policy: what an event planned, held where the policy says. */
export function approvalHold(config: Pick<Config, 'approvalPolicy' | 'messagesDir' | 'locale' | 'timezone' | 'statusUrl'>) {
  const compose = incidentComposer(config);
  return (previous: Incident | null, applied: Applied, origin: PostOrigin) =>
    holdForApproval(previous, applied, { policy: config.approvalPolicy, compose, source: origin.source, at: origin.receivedAt });
}

/**
 * The console at /console and the JSON API for drafts, with their own security layer: security
 * headers, cookies, form bodies, CSRF tokens and a sign-in rate limit apply to these routes only.
 */
export async function consoleAndApi(app: FastifyInstance, options: ConsoleOptions) {
  const { config } = options;
  await app.register(helmet, {
    contentSecurityPolicy: { directives: { 'upgrade-insecure-requests': null, 'form-action': ["'self'"], 'frame-ancestors': ["'none'"] } },
  });
  await app.register(cookie);
  await app.register(formbody, { bodyLimit: 64 * 1024 });
  await app.register(csrf, { cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true, secure: true } });
  await app.register(rateLimit, { global: false, redis: options.redis, nameSpace: `${config.redisPrefix}:sign-in-limit:` });

  const sessions = new SessionStore(options.redis, config.redisPrefix, config.sessionMs);
  const approvals = new Approvals({
    store: options.store,
    queues: options.queues,
    policy: config.approvalPolicy,
    compose: incidentComposer(config),
    composeNotice: noticeComposer(config),
    rules: { graceMs: config.graceMs, reopenWindowMs: config.reopenWindowMs },
    logger: options.logger,
  });
  app.decorateRequest('principal', null);
  app.addHook('onRequest', resolvePrincipal({ users: config.users, sessions, apiToken: config.apiToken }));

  await app.register(approvalApi, { approvals, store: options.store, sessions });
  await app.register(consolePages, {
    approvals,
    store: options.store,
    sessions,
    users: config.users,
    timezone: config.timezone,
    tweetUrl: (id: string) => (options.publisherMode === 'x' ? `https://x.com/i/web/status/${id}` : undefined),
    dryRun: options.publisherMode === 'dry-run',
    signInLimit: options.signInLimit ?? { max: 10, windowMs: 60_000 },
  });
}
