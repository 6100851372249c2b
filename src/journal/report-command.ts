/** `herald report --from <date> --to <date> [--json]`: the period report, read from Redis. */
import { parseArgs } from 'node:util';
import type { CliCommand } from '../cli-command.ts';
import type { ReportSettings } from '../cli-settings.ts';
import { connectRedis } from '../redis/connect.ts';
import { RedisIncidentStore } from '../incidents/adapters/redis-store.ts';
import { loadPeriod, MAX_PERIOD_DAYS, periodSchema, reportText } from './report.ts';

export const reportCommand: CliCommand<ReportSettings> = {
  usage: 'herald report --from <2026-04-01> --to <2026-07-01> [--json]',
  async run(args, io, config) {
    const { values } = parseArgs({
      args,
      options: { from: { type: 'string' }, to: { type: 'string' }, json: { type: 'boolean', default: false } },
      strict: true,
      allowPositionals: false,
    });
    const period = periodSchema(config.timezone).safeParse({ from: values.from ?? '', to: values.to ?? '' });
    if (!period.success) {
      // The schema's problems are the API's English; the command line says the rule in the reader's words.
      io.err(`${io.tr.t('cli.report.badPeriod', { days: MAX_PERIOD_DAYS })}\n${io.tr.t('cli.usage', { syntax: this.usage })}\n`);
      return 2;
    }
    const redis = connectRedis(config.redis, { maxRetriesPerRequest: 1, retryStrategy: () => null, lazyConnect: true });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
    } catch (err) {
      io.err(`${io.tr.t('cli.report.noRedis', { url: config.redis.url, reason: (err as { code?: string }).code ?? (err as Error).message })}\n`);
      return 1;
    }
    try {
      const report = await loadPeriod(new RedisIncidentStore(redis, config.redisPrefix), period.data);
      io.out(values.json ? `${JSON.stringify(report, null, 2)}\n` : reportText(report, io));
      return 0;
    } finally {
      redis.disconnect();
    }
  },
};
