/**
 * Every error herald raises on purpose, by code: what HTTP status a request that caused it gets,
 * whether trying the same thing again can help, and what a person should do about it. The table is
 * the contract (docs/errors.md lists it and a test keeps the two in step); the classes that carry
 * these codes live beside the concern they belong to and extend {@link HeraldError}, so callers
 * tell errors apart with `instanceof`, never by a name string or a message.
 *
 * This module imports nothing: the pure rules may throw these errors without pulling in an adapter.
 * What a failed post does to the delivery queue is another closed list, `PublishError`'s reasons in
 * publish/publisher.ts: those steer the queue and never reach an HTTP answer.
 */

export const ERROR_CODES = {
  HERALD_INVALID_PAYLOAD: { status: 400, retryable: false, remedy: 'Fix the fields named in details and send again.' },
  HERALD_REFUSED: { status: 400, retryable: false, remedy: 'Change what the message names (the text, the reason) and try again.' },
  HERALD_UNAUTHENTICATED: { status: 401, retryable: false, remedy: 'Sign in, or send the right token or signature (docs/security.md).' },
  HERALD_FORBIDDEN: { status: 403, retryable: false, remedy: 'Who is asking may not do this: details name what is missing (a permission, a CSRF token); see docs/security.md.' },
  HERALD_BROWSER_CREDENTIALS: { status: 403, retryable: false, remedy: 'Send HERALD_API_TOKEN as Authorization: Bearer, or sign in to the console: a browser sends basic-auth credentials on its own, so they may only read.' },
  HERALD_NOT_FOUND: { status: 404, retryable: false, remedy: 'Check the id or key; it may have expired (see docs/operations.md, retention).' },
  HERALD_CONFLICT: { status: 409, retryable: false, remedy: 'Someone or something changed it first: reload, then decide again.' },
  HERALD_REPLAYED: { status: 409, retryable: false, remedy: 'This signed request was received already: send a new one with a new signature and timestamp (PagerDuty: a new event id).' },
  HERALD_TOO_LARGE: { status: 413, retryable: false, remedy: 'Send less: the message names the limit and the setting that holds it.' },
  HERALD_JSON_ONLY: { status: 415, retryable: false, remedy: 'Send the body as JSON with Content-Type: application/json.' },
  HERALD_COMPOSE: { status: 422, retryable: false, remedy: 'No template variant can carry this; fix the input or messages/<locale>.yaml.' },
  HERALD_RATE_LIMITED: { status: 429, retryable: true, remedy: 'Too many tries: wait as long as the message says, then try again.' },
  HERALD_CATALOG: { status: 500, retryable: false, remedy: 'Fix messages/<locale>.yaml where each problem says; `npm run lint:messages` checks it.' },
  HERALD_CONFIG: { status: 500, retryable: false, remedy: 'Fix the settings listed (docs/configuration.md) and start again.' },
  HERALD_CONCURRENT_UPDATE: { status: 503, retryable: true, remedy: 'The incident kept changing under the update; retry in a moment.' },
  HERALD_REDIS_UNAVAILABLE: { status: 503, retryable: true, remedy: 'Redis is not answering: nothing was accepted; retry once it is back.' },
  HERALD_NOT_REPLICATED: { status: 503, retryable: true, remedy: 'Redis took it but no replica confirmed it in time (a failover could lose it): send the same request again; a repeat is recognised and not applied twice.' },
} as const satisfies Record<string, { status: number; retryable: boolean; remedy: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface HeraldErrorOptions {
  /** One line per problem, for the `details` list of a JSON answer. */
  details?: readonly string[];
  cause?: unknown;
  /** Overrides the table's status (e.g. an `HERALD_REFUSED` that is really a 404). */
  status?: number;
  /** Overrides the table's answer when the same code is retryable for some causes only. */
  retryable?: boolean;
}

/** An error herald raises on purpose: it knows its code, its HTTP status and whether a retry helps. */
export class HeraldError extends Error {
  override readonly name: string = 'HeraldError';
  readonly status: number;
  readonly retryable: boolean;
  readonly details: readonly string[];

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: HeraldErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status ?? ERROR_CODES[code].status;
    this.retryable = options.retryable ?? ERROR_CODES[code].retryable;
    this.details = options.details ?? [];
  }

  /** What a person should do about it, from the table. */
  get remedy(): string {
    return ERROR_CODES[this.code].remedy;
  }
}

/** The JSON body of every refusal herald answers: what went wrong, one line per problem, the code. */
export interface ErrorBody {
  error: string;
  details: string[];
  code?: string;
}

export const errorBody = (error: HeraldError): ErrorBody => ({ error: error.message, details: [...error.details], code: error.code });

/** A payload or request body that does not match its schema; `details` names each bad field. */
export class InvalidPayload extends HeraldError {
  override readonly name = 'InvalidPayload';
  constructor(message: string, details: readonly string[]) {
    super('HERALD_INVALID_PAYLOAD', message, { details });
  }
}

/** What a schema library reports of a failed check (zod's `ZodError` has this shape). */
export interface SchemaIssues {
  readonly issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string }[];
}

/** Turns a schema failure into an error that names each bad field, for the 400 body. */
export function invalidPayload(error: SchemaIssues, what = 'the payload'): InvalidPayload {
  const details = error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(body)'}: ${issue.message}`);
  return new InvalidPayload(`${what} is not valid`, details);
}

/**
 * The master took the write but not enough replicas confirmed it within HERALD_REDIS_WAIT_MS: a
 * failover now could erase it, so it is not called accepted. The sender's retry is deduplicated.
 */
export class NotReplicatedError extends HeraldError {
  override readonly name = 'NotReplicatedError';
  constructor(wanted: number, acked: number) {
    super('HERALD_NOT_REPLICATED', `Redis took the events, but ${acked} of the ${wanted} replicas required (HERALD_REDIS_MIN_REPLICAS) confirmed them in time; send the same request again`, {
      details: ['a repeat of the same events is recognised and not applied twice'],
    });
  }
}

/** Redis did not answer, so nothing was accepted or changed. */
export class RedisUnavailableError extends HeraldError {
  override readonly name = 'RedisUnavailableError';
  constructor(message = 'Redis is not reachable; nothing was accepted, please retry', options: HeraldErrorOptions = {}) {
    super('HERALD_REDIS_UNAVAILABLE', message, options);
  }
}

/**
 * The code of a refusal that did not come from herald's own errors (fastify's: a body too large,
 * a CSRF token missing, a rate limit), by its status: the first code of the table with it (each
 * status's general code comes first), otherwise `HERALD_REFUSED`.
 */
export function codeForStatus(status: number): ErrorCode {
  const codes = Object.keys(ERROR_CODES) as ErrorCode[];
  return codes.find((code) => ERROR_CODES[code].status === status) ?? 'HERALD_REFUSED';
}
