import { Transform, type Readable } from 'node:stream';

/** A 413 that fastify's error handler answers as it does its own body limit. */
export function bodyTooLarge(limit: number, why: string): Error & { statusCode: number; code: string } {
  return Object.assign(new Error(`the body is larger than ${limit} bytes, the limit for ${why}`), { statusCode: 413, code: 'HERALD_SIGNED_BODY_TOO_LARGE' });
}

/**
 * The body of a request that has shown only a signature so far, cut off at `limit` bytes: the
 * signature can only be checked once the body is in, so an unknown sender may not make herald read
 * megabytes first. A declared Content-Length above the limit is refused before a byte is read.
 */
export function limitBody(payload: Readable, declaredLength: string | undefined, limit: number, why: string): Readable {
  if (declaredLength !== undefined && Number(declaredLength) > limit) throw bodyTooLarge(limit, why);
  let seen = 0;
  return payload.pipe(
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        seen += chunk.length;
        done(seen > limit ? bodyTooLarge(limit, why) : null, chunk);
      },
    }),
  );
}
