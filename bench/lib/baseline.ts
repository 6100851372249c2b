/**
 * The baseline every herald figure is divided by: a bare node:http route that parses the JSON body
 * and does one BullMQ `Queue.add` per request on the same Redis, answering 202. Nothing of herald's
 * (no auth, validation, logging or framework). Optionally a worker beside it, like herald's
 * `--role all`: `noop` completes each job at once, `post` makes one POST to the fake X.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';

export type BaselineWork = 'none' | 'noop' | 'post';

export interface BaselineServerOptions {
  redisUrl: string;
  prefix: string;
  work: BaselineWork;
  /** The fake X, for `post`. */
  xUrl?: string;
}

export async function startBaselineServer(o: BaselineServerOptions): Promise<{ url: string; close(): Promise<void> }> {
  const connection = new Redis(o.redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue('baseline', { connection, prefix: o.prefix });

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
  const postToX = async (data: { key?: string }) => {
    // Unique text: the fake X refuses duplicates, as X does.
    const res = await fetch(`${o.xUrl}/2/tweets`, {
      method: 'POST',
      headers: { authorization: 'OAuth oauth_signature="baseline"', 'content-type': 'application/json' },
      body: JSON.stringify({ text: `baseline ${process.pid} ${++sequence} ${data.key ?? ''}` }),
    });
    await res.arrayBuffer();
    if (res.status !== 201) throw new Error(`fake X answered ${res.status}`);
  };

  const worker =
    o.work === 'none'
      ? undefined
      : new Worker<{ key?: string }>('baseline', async (job) => (o.work === 'post' ? postToX(job.data) : undefined), {
          connection: { url: o.redisUrl, maxRetriesPerRequest: null },
          prefix: o.prefix,
          // herald's incident worker runs 8 at a time, its delivery worker 4.
          concurrency: o.work === 'post' ? 4 : 8,
          removeOnComplete: { count: 1000 },
        });

  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.close();
      server.closeAllConnections();
      await worker?.close();
      await queue.close();
      connection.disconnect();
    },
  };
}
