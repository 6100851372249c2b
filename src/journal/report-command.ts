/** `herald report --from <date> --to <date> [--json]`: the period report, read from Redis. */
import { parseArgs } from 'node:util';
import type { CliCommand } from '../cli-command.ts';
import type { ReportSettings } from '../cli-settings.ts';
import { connectRedis } from '../redis/connect.ts';
import { RedisIncidentStore } from '../incidents/adapters/redis-store.ts';
import { loadPeriod, periodSchema, reportText } from './report.ts';

export const reportCommand: CliCommand<ReportSettings> = {
  summary: 'list the incidents of a period with duration, time to announce and affected features',
  usage: 'herald report --from <2026-04-01> --to <2026-07-01> [--json]   (dates in HERALD_TIMEZONE; REDIS_URL, HERALD_REDIS_PREFIX)',
  async run(args, io, config) {
    const { values } = parseArgs({
      args,
      options: { from: { type: 'string' }, to: { type: 'string' }, json: { type: 'boolean', default: false } },
      strict: true,
      allowPositionals: false,
    });
    const period = periodSchema(config.timezone).safeParse({ from: values.from ?? '', to: values.to ?? '' });
    if (!period.success) {
      io.err(`${period.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n')}\nusage: ${this.usage}\n`);
      return 2;
    }
    const redis = connectRedis(config.redis, { maxRetriesPerRequest: 1, retryStrategy: () => null, lazyConnect: true });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
    } catch (err) {
      io.err(`cannot reach Redis at ${config.redis.url}: ${(err as Error).message}\n`);
      return 1;
    }
    try {
      const report = await loadPeriod(new RedisIncidentStore(redis, config.redisPrefix), period.data);
      io.out(values.json ? `${JSON.stringify(report, null, 2)}\n` : reportText(report));
      return 0;
    } finally {
      redis.disconnect();
    }
  },
};
