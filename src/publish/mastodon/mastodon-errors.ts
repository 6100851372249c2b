/**
 * What masto.js throws, as the delivery worker must treat it, and Mastodon's HTML back to text.
 * `MastoHttpError` is an answer (its cause is the fetch Response, whose headers carry the rate
 * limit); anything else (timeout, connection, an unreadable body) may have posted.
 */
import { MastoHttpError } from 'masto';
import { PublishError, type PublishFailureReason } from '../publisher.ts';

export function mastodonError(err: unknown, context: { isReply: boolean }, now = new Date()): PublishError {
  if (err instanceof PublishError) return err;
  if (!(err instanceof MastoHttpError)) {
    const message = err instanceof Error ? err.message : String(err);
    return new PublishError('outcome-unknown', `No usable answer from Mastodon (${message}); the request may have been carried out`, { cause: err });
  }
  const status = err.statusCode;
  const said = [err.message, err.description].filter(Boolean).join(': ').slice(0, 300);
  const make = (reason: PublishFailureReason, advice: string, retryAt?: Date) =>
    new PublishError(reason, `Mastodon answered HTTP ${status}${said ? `: ${said}` : ''}. ${advice}`, { status, cause: err, ...(retryAt && { retryAt }) });
  if (status === 429) {
    const retryAt = resetOf(err.cause, now);
    return make('rate-limited', `Rate limited until ${retryAt.toISOString()}; only this account waits.`, retryAt);
  }
  if (status === 401 || status === 403) return make('unauthorized', 'Check MASTODON_<ID>_TOKEN (revoked, or lacking the write:statuses scope) and whether the account is suspended.');
  // The status replied to was deleted, or is not visible to the account.
  if (status === 404 && context.isReply) return make('parent-missing', 'The status replied to is deleted or not visible.');
  if (status >= 500) return make('server-error', 'The instance is having trouble; retry later (the idempotency key makes that safe).');
  return make('invalid', 'The request itself was refused; retrying it as is cannot help.');
}

/** `X-RateLimit-Reset` is an ISO time; without it wait five minutes (Mastodon's window). */
function resetOf(cause: unknown, now: Date): Date {
  const raw = cause instanceof Response ? cause.headers.get('x-ratelimit-reset') : null;
  const at = raw ? Date.parse(raw) : NaN;
  return new Date(Math.max(Number.isFinite(at) ? at : now.getTime() + 5 * 60_000, now.getTime()));
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'", nbsp: ' ' };

/** A status's `content` (HTML: paragraphs, line breaks, links split into spans) as the text that was posted. */
export function statusText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>\s*<p>/gi, '\n\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#\d+|#x[0-9a-f]+|\w+);/gi, (whole, name: string) => {
      if (name.startsWith('#x')) return String.fromCodePoint(parseInt(name.slice(2), 16));
      if (name.startsWith('#') && name !== '#39') return String.fromCodePoint(Number(name.slice(1)));
      return ENTITIES[name.toLowerCase()] ?? whole;
    })
    .trim();
}
