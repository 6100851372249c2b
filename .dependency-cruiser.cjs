/**
 * Import boundaries, checked by `npm run lint` (dependency-cruiser). herald's pure core (incident
 * rules, composing, the approval policy) is plain functions over plain data: it must not reach a
 * queue, Redis, HTTP, X or the posting side, not even through another module. See STYLE.md
 * (a pure core; edges behind small interfaces) and docs/design-notes.md.
 *
 * TypeScript 7 (the native compiler) has no JavaScript API dependency-cruiser can parse with, so
 * files are parsed with swc (@swc/core, a devDependency). Type-only imports count too: a rule that
 * names a Redis type has learnt about Redis.
 */
const PURE = '^src/(incidents/[^/]+[.]ts$|compose/|approval/policy[.]ts$)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'pure-rules-no-infrastructure',
      severity: 'error',
      comment:
        'The pure rules (src/incidents/*.ts, src/compose/, src/approval/policy.ts) reach no queue, Redis, HTTP server or X client, directly or through another module. Move the I/O to an adapter (src/incidents/adapters/, src/app/) and pass plain data in.',
      from: { path: PURE },
      to: { path: '^node_modules/(bullmq|ioredis|fastify|@fastify/|twitter-api-v2)', reachable: true },
    },
    {
      name: 'pure-rules-not-publish',
      severity: 'error',
      comment:
        'The pure rules do not depend on the posting side (src/publish/): the queue contract is in src/queues.ts, the Publisher interface is an edge the rules never call.',
      from: { path: PURE },
      to: { path: '^src/publish/', reachable: true },
    },
    {
      name: 'publish-not-accounts',
      severity: 'error',
      comment:
        'The posting side (src/publish/) knows an account by its id, network and limits, which it is handed; the account model and its wiring (src/accounts/) sit above it, and app/accounts.ts builds each account\'s publisher and guards from them.',
      from: { path: '^src/publish/' },
      to: { path: '^src/accounts/' },
    },
    {
      name: 'auth-not-console-or-ingest',
      severity: 'error',
      comment:
        'Credentials (users, sessions, tokens, signatures, who may do what) sit below the console and the webhooks that use them: src/auth/ imports neither src/console/ nor src/ingest/.',
      from: { path: '^src/auth/' },
      to: { path: '^src/(console|ingest)/' },
    },
    {
      name: 'notices-not-ingest',
      severity: 'error',
      comment: 'Staff notices sign their webhooks with src/auth/signing.ts, not through a webhook source in src/ingest/.',
      from: { path: '^src/notices/' },
      to: { path: '^src/ingest/' },
    },
    {
      name: 'no-circular',
      severity: 'warn',
      comment: 'A cycle makes start order and reading order unclear; break it by moving the shared part down.',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    parser: 'swc',
    moduleSystems: ['es6'],
    enhancedResolveOptions: { extensions: ['.ts', '.js'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
