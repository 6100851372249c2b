import { GENERIC_SIGNATURE_HEADER, GENERIC_TIMESTAMP_HEADER, signGeneric } from '../auth/signing.ts';
import type { AnyStaffNotice } from './notice.ts';

/**
 * The notice for anything else (on-call tools, in-house bots): the notice itself as JSON, signed
 * the way herald checks its own generic webhook: `X-Herald-Timestamp` (Unix seconds) and
 * `X-Herald-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`.
 */
export const WEBHOOK_EVENTS = { waiting: 'draft.waiting', reminder: 'draft.reminder', decided: 'draft.decided', digest: 'drafts.digest' } as const;

export function webhookBody(notice: AnyStaffNotice, notifiedAt: string): string {
  return JSON.stringify({ event: WEBHOOK_EVENTS[notice.kind], at: notifiedAt, ...notice });
}

export class WebhookRefused extends Error {
  override readonly name = 'WebhookRefused';
  constructor(readonly status: number) {
    super(`the staff webhook answered ${status}`);
  }
}

export async function sendWebhook(url: string, secret: string | undefined, body: string, nowMs: number, timeoutMs: number): Promise<void> {
  const timestamp = String(Math.floor(nowMs / 1000));
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'herald' };
  if (secret) Object.assign(headers, { [GENERIC_TIMESTAMP_HEADER]: timestamp, [GENERIC_SIGNATURE_HEADER]: signGeneric(secret, timestamp, body) });
  const res = await fetch(url, { method: 'POST', headers, body, redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
  await res.arrayBuffer().catch(() => undefined);
  if (!res.ok) throw new WebhookRefused(res.status);
}
