import { IncomingWebhookHTTPError } from '@slack/webhook';
import type { StaffNoticeSettings } from '../config.ts';
import { translator, type ConsoleLocale } from '../console/i18n.ts';
import { emailMessage, smtpMailer } from './email.ts';
import type { AnyStaffNotice } from './notice.ts';
import { sendSlack, slackMessage } from './slack.ts';
import { sendWebhook, webhookBody, WebhookRefused } from './webhook.ts';

export type ChannelName = 'slack' | 'email' | 'webhook';

/** One place staff are told. `send` throws when the notice did not get through. */
export interface Channel {
  name: ChannelName;
  send(notice: AnyStaffNotice, nowMs: number): Promise<void>;
  close?(): void;
}

/** The channels the settings turn on, speaking `locale` with times in `timezone`. */
export function staffChannels(settings: StaffNoticeSettings, locale: ConsoleLocale, timezone: string): Channel[] {
  const tr = translator(locale);
  const channels: Channel[] = [];
  const { slackUrl, email, webhook, timeoutMs } = settings;
  if (slackUrl) channels.push({ name: 'slack', send: (notice) => sendSlack(slackUrl, slackMessage(notice, tr, timezone), timeoutMs) });
  if (email) {
    const mailer = smtpMailer({ smtpUrl: email.smtpUrl, to: email.to, from: email.from, timeoutMs });
    channels.push({ name: 'email', send: (notice) => mailer.send(emailMessage(notice, tr, timezone)), close: () => mailer.close() });
  }
  if (webhook) {
    channels.push({ name: 'webhook', send: (notice, nowMs) => sendWebhook(webhook.url, webhook.secret, webhookBody(notice, new Date(nowMs).toISOString()), nowMs, timeoutMs) });
  }
  return channels;
}

/**
 * Why a send failed, fit for logs and BullMQ's failedReason: webhook URLs carry their secret in
 * the path and SMTP URLs a password, so anything that looks like a URL is cut out.
 */
export function describeFailure(err: unknown): string {
  if (err instanceof IncomingWebhookHTTPError) return `HTTP ${err.statusCode}`;
  if (err instanceof WebhookRefused) return `HTTP ${err.status}`;
  const e = err as Error & { code?: string; responseCode?: number; cause?: { code?: string } };
  const code = e.cause?.code ?? e.code;
  const text = `${e.name ?? 'Error'}: ${e.message ?? String(err)}`.replace(/[a-z][a-z0-9+.-]*:\/\/\S+/gi, '<url>');
  return [text, code && `(${code})`, e.responseCode && `SMTP ${e.responseCode}`].filter(Boolean).join(' ').slice(0, 300);
}
