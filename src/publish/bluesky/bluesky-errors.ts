/**
 * Turns what `@atproto/api` throws into the `PublishError` the delivery worker acts on. An XRPC
 * answer is classified by status and error name; no answer (a network error, a timeout: the
 * client reports those with a status below 100) means the post may be live.
 */
import { PublishError, type PublishFailureReason } from '../publisher.ts';

interface XrpcLike {
  status: number;
  error?: string;
  message: string;
  headers?: Record<string, string>;
}

function isXrpc(err: unknown): err is XrpcLike {
  return typeof err === 'object' && err !== null && typeof (err as XrpcLike).status === 'number' && 'success' in err;
}

/** Errors that mean the credentials or the account itself are refused. */
const ACCOUNT_ERRORS = ['AuthenticationRequired', 'InvalidToken', 'ExpiredToken', 'AccountTakedown', 'AccountDeactivated', 'AuthFactorTokenRequired'];

export function blueskyError(err: unknown, now = new Date()): PublishError {
  if (err instanceof PublishError) return err;
  if (!isXrpc(err) || err.status < 100) {
    const message = err instanceof Error ? err.message : String(err);
    return new PublishError('outcome-unknown', `No answer from Bluesky (${message}); the request may have been carried out`, { cause: err });
  }
  const { status, error = '' } = err;
  const said = `${error} ${err.message}`.trim();
  const make = (reason: PublishFailureReason, advice: string, retryAt?: Date) =>
    new PublishError(reason, `Bluesky answered HTTP ${status}${said ? `: ${said.slice(0, 300)}` : ''}. ${advice}`, { status, cause: err, ...(retryAt && { retryAt }) });

  if (status === 429) {
    const retryAt = resetOf(err.headers, now);
    return make('rate-limited', `Rate limited until ${retryAt.toISOString()}; only this account waits.`, retryAt);
  }
  if (status === 401 || ACCOUNT_ERRORS.includes(error)) {
    return make('unauthorized', 'Check BSKY_<ID>_HANDLE and BSKY_<ID>_APP_PASSWORD (revoked app password, or the account is suspended).');
  }
  if (/could not locate record|parent|not found/i.test(said) && status === 400) return make('parent-missing', 'The post replied to is deleted or not visible yet.');
  if (status >= 500) return make('server-error', 'Bluesky is having trouble; retry later.');
  return make('invalid', 'The request itself was refused; retrying it as is cannot help.');
}

/** `ratelimit-reset` is Unix seconds; without it wait five minutes (Bluesky's shortest window). */
function resetOf(headers: Record<string, string> | undefined, now: Date): Date {
  const raw = Number(headers?.['ratelimit-reset'] ?? headers?.['RateLimit-Reset']);
  const at = Number.isFinite(raw) && raw > 0 ? raw * 1000 : now.getTime() + 5 * 60_000;
  return new Date(Math.max(at, now.getTime()));
}

/** `promise`, or an `outcome-unknown` PublishError after `ms`: a slow answer may still have been carried out. */
export async function withDeadline<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PublishError('outcome-unknown', message)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
