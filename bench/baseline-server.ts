/**
 * The baseline every herald figure is divided by: a bare node:http route that parses the JSON body
 * and does one BullMQ `Queue.add` per request on the same Redis, answering 202. Nothing of herald's
 * (no auth, validation, logging or framework). Optionally a worker in the same process, like
 * herald's `--role all`: `noop` completes each job at once, `post` makes one POST to the fake X.
 *
 * Run as a child by bench/lib/service.ts; configured through the environment.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = process.env.BENCH_PREFIX ?? 'herald-bench-baseline';
const work = process.env.BENCH_WORK ?? 'none';
const xUrl = process.env.BENCH_X_URL ?? '';

const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
const queue = new Queue('baseline', { connection, prefix });

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    let data: unknown;
    try {
      data = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"not JSON"}');
      return;
    }
    queue.add('event', data).then(
      () => res.writeHead(202, { 'content-type': 'application/json' }).end('{"accepted":1}'),
      () => res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"redis"}'),
    );
  });
});

let sequence = 0;
async function postToX(data: { key?: string }): Promise<void> {
  // Unique text: the fake X refuses duplicates, as X does.
  const res = await fetch(`${xUrl}/2/tweets`, {
    method: 'POST',
    headers: { authorization: 'OAuth oauth_signature="baseline"', 'content-type': 'application/json' },
    body: JSON.stringify({ text: `baseline ${process.pid} ${++sequence} ${data.key ?? ''}` }),
  });
  await res.arrayBuffer();
  if (res.status !== 201) throw new Error(`fake X answered ${res.status}`);
}

const worker =
  work === 'none'
    ? undefined
    : new Worker<{ key?: string }>('baseline', async (job) => (work === 'post' ? postToX(job.data) : undefined), {
        connection: { url: redisUrl, maxRetriesPerRequest: null },
        prefix,
        // herald's incident worker runs 8 at a time, its delivery worker 4.
        concurrency: work === 'post' ? 4 : 8,
        removeOnComplete: { count: 1000 },
      });

server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  console.log(JSON.stringify({ msg: 'baseline is running', url: `http://127.0.0.1:${port}`, work }));
});

process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void (async () => {
    await worker?.close();
    await queue.close();
    connection.disconnect();
    process.exit(0);
  })();
});
