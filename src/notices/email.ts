import type { Transporter } from 'nodemailer';
import type { Translator } from '../console/i18n.ts';
import { html } from '../console/html.ts';
import type { AnyStaffNotice } from './notice.ts';
import { digestWords, noticeWords } from './words.ts';

export interface EmailMessage {
  subject: string;
  text: string;
  html: string;
}

/** The notice as an email: plain text for every client, and the same in simple HTML. */
export function emailMessage(notice: AnyStaffNotice, tr: Translator, timezone: string): EmailMessage {
  if (notice.kind === 'digest') {
    const words = digestWords(notice, tr, timezone);
    const text = [...words.lines, ...(notice.link ? ['', `${words.open}: ${notice.link}`] : [])].join('\n');
    const body = html`<!doctype html><html lang="${tr.locale}"><body style="font-family:sans-serif;line-height:1.5">
<h2 style="font-size:18px">${words.title}</h2>
${words.lines.map((line) => html`<p>${line}</p>`)}
${notice.link ? html`<p><a href="${notice.link}">${words.open}</a></p>` : ''}
</body></html>`;
    return { subject: words.title, text, html: body.value };
  }
  const words = noticeWords(notice, tr, timezone);
  const showText = notice.post.text !== '' && notice.decision?.action !== 'rejected';
  const facts = notice.kind === 'decided' ? [] : words.facts;
  const text = [
    ...facts.map((f) => `${f.label}: ${f.value}`),
    ...(facts.length ? [''] : []),
    ...(words.question ? [words.question, ''] : []),
    words.lead,
    ...(showText ? ['', ...notice.post.text.split('\n').map((l) => `    ${l}`), ''] : []),
    ...(words.deadline ? [words.deadline] : []),
    ...(notice.link ? ['', `${words.open}: ${notice.link}`] : []),
  ].join('\n');
  const body = html`<!doctype html><html lang="${tr.locale}"><body style="font-family:sans-serif;line-height:1.5">
<h2 style="font-size:18px">${words.title}</h2>
${facts.length ? html`<table>${facts.map((f) => html`<tr><th align="left" style="padding-right:12px">${f.label}</th><td>${f.value}</td></tr>`)}</table>` : ''}
${words.question ? html`<p>${words.question}</p>` : ''}
<p>${words.lead}</p>
${showText ? html`<blockquote style="white-space:pre-wrap;border-left:4px solid #1d9bf0;margin:0;padding:8px 12px">${notice.post.text}</blockquote>` : ''}
${words.deadline ? html`<p><strong>${words.deadline}</strong></p>` : ''}
${notice.link ? html`<p><a href="${notice.link}">${words.open}</a></p>` : ''}
</body></html>`;
  return { subject: words.title, text, html: body.value };
}

export interface Mailer {
  send(message: EmailMessage): Promise<void>;
  close(): void;
}

/**
 * nodemailer over SMTP_URL (smtp:// or smtps://, credentials in the URL), to HERALD_STAFF_EMAIL_TO.
 * nodemailer is loaded with the first email: a herald that sends none does not carry it.
 */
export function smtpMailer(options: { smtpUrl: string; to: string; from: string; timeoutMs: number }): Mailer {
  // Timeouts beside the URL's settings: a hung mail server must not hold a notice job for minutes.
  const { timeoutMs } = options;
  let transport: Promise<Transporter> | undefined;
  const open = () =>
    (transport ??= import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport({ url: options.smtpUrl, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs }),
    ));
  return {
    async send(message) {
      await (await open()).sendMail({ from: options.from, to: options.to, ...message });
    },
    close: () => void transport?.then((t) => t.close()),
  };
}
