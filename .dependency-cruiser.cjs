/**
 * Import boundaries, checked by `npm run lint` (dependency-cruiser). herald's pure core (incident
 * rules, composing, the approval policy) is plain functions over plain data: it must not reach a
 * queue, Redis, HTTP, X or the posting side, not even through another module. See STYLE.md
 * (a pure core; edges behind small interfaces) and docs/design-notes.md.
 *
 * TypeScript 7 (the native compiler) has no JavaScript API dependency-cruiser can parse with, so
 * files are parsed with swc (@swc/core, a devDependency). Type-only imports count too: a rule that
 * names a Redis type has learnt about Redis.
 *
 * The layers (issue 27): contracts at the bottom (src/incidents/event.ts, src/queues.ts,
 * src/errors.ts, src/redis/), the core above them, the features on it, src/ops/ and src/app/ on
 * top. A lower folder never imports a higher one; each rule below names one such direction.
 */
const PURE = '^src/(incidents/[^/]+[.]ts$|compose/|approval/policy[.]ts$|maintenance/(rules|quiet)[.]ts$)';

/** A lower layer that must not import a higher one, as an error with the reason. */
const below = (name, from, to, comment) => ({ name, severity: 'error', comment, from, to: { path: to } });

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'pure-rules-no-infrastructure',
      severity: 'error',
      comment:
        'The pure rules (src/incidents/*.ts, src/compose/, src/approval/policy.ts, src/maintenance/rules.ts and quiet.ts) reach no queue, Redis, HTTP server or X client, directly or through another module. Move the I/O to an adapter (src/incidents/adapters/, src/app/) and pass plain data in.',
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
    below(
      'incidents-not-features',
      { path: '^src/incidents/' },
      '^src/(ingest|console|approval|maintenance|ops|app)/',
      'The incident core sits below every feature and below ops/ and app/: the event contract is src/incidents/event.ts, the hold and the news of drafts come in as functions (src/app/services.ts builds them), the maintenance types are in the model.',
    ),
    below('compose-not-ingest', { path: '^src/compose/' }, '^src/ingest/', 'Composing reads the event contract (src/incidents/event.ts), never a webhook source.'),
    below('publish-not-ops', { path: '^src/publish/' }, '^src/ops/', 'publish/ sits below ops/: ops/ reads publish/ through what it exports; Redis connections and replicas are in src/redis/.'),
    {
      name: 'redis-not-publish',
      severity: 'error',
      comment: 'src/redis/ (connections, replicas, start-up checks) is the floor: it reaches nothing of the posting side, directly or through another module.',
      from: { path: '^src/redis/' },
      to: { path: '^src/publish/', reachable: true },
    },
    {
      name: 'workers-not-console',
      severity: 'error',
      comment: "A worker-only process does not load the console's Fastify plugins: what both sides need is built in src/app/services.ts. (Staff-notice mail shares the console's words and HTML escaping; that much is fine.)",
      from: { path: '^src/app/worker-side[.]ts$' },
      to: { path: '^(src/console/(plugin|pages|api|sign-in)[.]ts$|node_modules/@fastify/(helmet|formbody|rate-limit)/)', reachable: true },
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
      severity: 'error',
      comment: 'A cycle makes start order and reading order unclear; break it by moving the shared part down (the last two went in issue 27).',
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
