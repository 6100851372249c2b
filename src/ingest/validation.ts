import type { z } from 'zod';
import { InvalidPayload } from './source.ts';

/** Turns a schema failure into an error that names each bad field, for the 400 body. */
export function invalidPayload(error: z.ZodError, what = 'the payload'): InvalidPayload {
  const details = error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(body)'}: ${issue.message}`);
  return new InvalidPayload(`${what} is not valid`, details);
}
