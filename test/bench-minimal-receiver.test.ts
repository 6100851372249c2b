import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { postJson } from '../bench/lib/load.ts';
import { MINIMAL_QUEUE } from '../bench/lib/minimal-receiver.ts';
import { startMinimal, type Service } from '../bench/lib/service.ts';
import { genericTarget } from '../bench/targets.ts';
import { deletePrefix, REDIS_URL } from './helpers/herald.ts';

// herald is compared with this receiver in `npm run bench -- ingest`; the comparison means
// something only if the receiver does the job: refuses what it must and queues a retry once.
describe("the benchmark's minimal receiver is a correct one", () => {
  const prefix = `herald-test-${randomUUID().slice(0, 8)}`;
  let redis: Redis;
  let queue: Queue;
  let receiver: Service;
  const run = randomUUID().slice(0, 8);
  const url = () => `${receiver.url}${genericTarget.route}`;
  const jobs = async () => (await queue.getJobCountByTypes('waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized'));

  before(async () => {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue(MINIMAL_QUEUE, { connection: redis, prefix });
    // As the benchmark runs it: a process of its own, through bench/baseline-server.ts.
    receiver = await startMinimal({ redisUrl: REDIS_URL, prefix });
  });

  after(async () => {
    await receiver?.stop();
    await queue.close();
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it("queues the benchmark's webhook with the bearer token, kept an hour, and answers 202", async () => {
    const answer = await postJson(url(), genericTarget.headers, genericTarget.payload(0, run));
    assert.equal(answer.status, 202, answer.text);
    assert.equal(await jobs(), 1);
    const [job] = await queue.getJobs(['waiting']);
    assert.equal(job?.data.key, `bench-${run}-0`);
    assert.deepEqual(job?.opts.removeOnComplete, { age: 3600 });
  });

  it('queues the same webhook delivered again only once, and still answers 202', async () => {
    const answer = await postJson(url(), genericTarget.headers, genericTarget.payload(0, run));
    assert.equal(answer.status, 202, answer.text);
    assert.equal(await jobs(), 1);
    assert.equal((await postJson(url(), genericTarget.headers, genericTarget.payload(1, run))).status, 202);
    assert.equal(await jobs(), 2);
  });

  it('refuses a webhook without the token, or with a wrong one, with 401 and queues nothing', async () => {
    const none = await postJson(url(), {}, genericTarget.payload(2, run));
    assert.equal(none.status, 401, none.text);
    assert.match(none.text, /bearer token/);
    assert.equal((await postJson(url(), { authorization: 'Bearer not-the-token' }, genericTarget.payload(2, run))).status, 401);
    assert.equal(await jobs(), 2);
  });

  it('refuses a body its schema does not allow with 400 naming the problem, and queues nothing', async () => {
    const valid = genericTarget.payload(3, run) as Record<string, unknown>;
    for (const [body, problem] of [
      [{ ...valid, status: 'gone' }, /status/],
      [{ ...valid, key: undefined }, /key/],
      [{ ...valid, at: 'yesterday' }, /at/],
      [{ ...valid, extra: 1 }, /additional/],
    ] as const) {
      const answer = await postJson(url(), genericTarget.headers, body);
      assert.equal(answer.status, 400, `${JSON.stringify(body)}: ${answer.text}`);
      assert.match(answer.text, problem);
    }
    assert.equal(await jobs(), 2);
  });
});
