import { EventEmitter } from 'node:events';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { SESSION_COOKIE } from '../auth/principal.ts';
import { HeraldError } from '../errors.ts';
import { consoleEventsChannel, type ConsoleEvent } from '../notices/news.ts';
import type { RedisClient } from '../redis/connect.ts';

/** A comment line this often keeps proxies from closing a quiet stream. */
const KEEPALIVE_MS = 25_000;

/** Streams one session may hold open in one process: a few tabs, not hundreds of held sockets. */
export const STREAMS_PER_SESSION = 5;

/**
 * Drafts arriving and decided, heard from Redis pub/sub (any herald process may have made the
 * change) and handed to every open console of this process. One subscriber connection per
 * process, opened at the first listener.
 */
export class ConsoleEvents {
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  private subscriber: RedisClient | undefined;

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {}

  private async subscribe(): Promise<void> {
    if (this.subscriber) return;
    // The HTTP side's connection fails fast (no offline queue); a subscriber should rather wait.
    const subscriber: RedisClient = this.redis instanceof Redis ? this.redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null }) : this.redis.duplicate();
    this.subscriber = subscriber;
    subscriber.on('error', (err: Error) => this.logger.warn({ err: err.message }, 'console events: redis connection problem'));
    subscriber.on('message', (_channel: string, message: string) => {
      try {
        this.emitter.emit('event', JSON.parse(message) as ConsoleEvent);
      } catch {
        // not one of ours
      }
    });
    await subscriber.subscribe(consoleEventsChannel(this.prefix));
  }

  async listen(listener: (event: ConsoleEvent) => void): Promise<() => void> {
    await this.subscribe();
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  async close(): Promise<void> {
    this.subscriber?.disconnect();
    this.subscriber = undefined;
  }
}

/**
 * `GET /console/events`: server-sent events for a signed-in console (the session cookie; the
 * same `view` permission as the drafts page). Each event names the draft; the page then fetches
 * what changed itself, so the stream carries no text that the person could not see anyway.
 */
export async function liveRoutes(app: FastifyInstance, deps: { events: ConsoleEvents; guard: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown> }) {
  const open = new Map<string, number>();
  app.get('/console/events', { preHandler: deps.guard }, async (request, reply) => {
    const holder = request.cookies?.[SESSION_COOKIE] ?? request.principal?.name ?? request.ip;
    const held = open.get(holder) ?? 0;
    if (held >= STREAMS_PER_SESSION) {
      throw new HeraldError('HERALD_RATE_LIMITED', `this session has ${held} live streams open already; close a console tab`, { details: [`at most ${STREAMS_PER_SESSION} per session`] });
    }
    open.set(holder, held + 1);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write('retry: 3000\n\n');
    const stop = await deps.events.listen((event) => res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`));
    const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
    request.raw.on('close', () => {
      clearInterval(keepalive);
      stop();
      const left = (open.get(holder) ?? 1) - 1;
      if (left > 0) open.set(holder, left);
      else open.delete(holder);
    });
  });
}
