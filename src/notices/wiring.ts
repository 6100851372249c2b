import type { ConnectionOptions, Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { RedisClient } from '../redis/connect.ts';
import { openNoticeQueue, type NoticeJob } from '../queues.ts';
import { StaffNews } from './news.ts';

/** Whether any staff channel is set (docs/staff-notices.md). */
export const noticesOn = (config: Pick<Config, 'staffNotices'>): boolean => {
  const { slackUrl, email, webhook } = config.staffNotices;
  return Boolean(slackUrl || email || webhook);
};

/**
 * One side's news of drafts: console events always, notice jobs when a channel is set. `close`
 * closes the notice queue it opened.
 */
export function openStaffNews(config: Pick<Config, 'staffNotices'>, redis: RedisClient, connection: ConnectionOptions, prefix: string, logger: Logger) {
  const notices: Queue<NoticeJob> | undefined = noticesOn(config) ? openNoticeQueue(connection, prefix) : undefined;
  return { news: new StaffNews({ redis, prefix, notices, logger, digest: config.staffNotices.digest }), notices, close: async () => notices?.close() };
}
