import { IncomingWebhook, type IncomingWebhookSendArguments } from '@slack/webhook';
import type { Translator } from '../console/i18n.ts';
import type { AnyStaffNotice } from './notice.ts';
import { digestWords, noticeWords } from './words.ts';

/** Slack's mrkdwn treats these three as control characters; everything else shows as typed. */
const escapeMrkdwn = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A quote block of the text exactly as it will be posted (an empty line stays a quoted line). */
const quote = (text: string): string => text.split('\n').map((line) => `>${escapeMrkdwn(line)}`).join('\n');

/**
 * The notice as a Block Kit message for an incoming webhook (Slack, or Mattermost and others that
 * speak the same format). Incoming webhooks cannot edit a message they sent, so a decision is a
 * short message of its own under the first.
 */
export function slackMessage(notice: AnyStaffNotice, tr: Translator, timezone: string): IncomingWebhookSendArguments {
  if (notice.kind === 'digest') {
    const words = digestWords(notice, tr, timezone);
    return {
      text: words.title,
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: words.title.slice(0, 150), emoji: false } },
        { type: 'section', text: { type: 'mrkdwn', text: words.lines.map(escapeMrkdwn).join('\n') } },
        ...(notice.link ? [{ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: words.open }, url: notice.link, action_id: 'open-drafts' }] }] : []),
      ],
      unfurl_links: false,
      unfurl_media: false,
    } as IncomingWebhookSendArguments;
  }
  const words = noticeWords(notice, tr, timezone);
  const blocks: NonNullable<IncomingWebhookSendArguments['blocks']> = [
    { type: 'header', text: { type: 'plain_text', text: words.title.slice(0, 150), emoji: false } },
  ];
  if (notice.kind !== 'decided') {
    blocks.push({ type: 'section', fields: words.facts.map((f) => ({ type: 'mrkdwn', text: `*${escapeMrkdwn(f.label)}*\n${escapeMrkdwn(f.value)}` })) });
  }
  if (words.question) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(words.question) } });
  const showText = notice.post.text !== '' && notice.decision?.action !== 'rejected';
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `${escapeMrkdwn(words.lead)}${showText ? `\n${quote(notice.post.text)}` : ''}` } });
  if (words.deadline) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(words.deadline) }] });
  if (notice.link) {
    blocks.push({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: words.open }, url: notice.link, action_id: 'open-draft' }] });
  }
  return { text: words.title, blocks, unfurl_links: false, unfurl_media: false };
}

export async function sendSlack(url: string, message: IncomingWebhookSendArguments, timeoutMs: number): Promise<void> {
  // No retries here: the notice queue retries, and knows what was sent already.
  await new IncomingWebhook(url, { timeout: timeoutMs }).send(message);
}
