import { z } from 'zod';

/**
 * A service name as it may appear in a public tweet: no `@`, `#`, dots or slashes that X would turn
 * into mentions, tags or links. Checked where a name enters herald (the generic webhook, the routing
 * file, the labels of an alert); compose/sanitize.ts cleans it once more before posting.
 */
/** The longest service name herald takes in (compose/sanitize.ts cuts anything longer that gets past). */
export const SERVICE_NAME_MAX_CHARACTERS = 60;

export const publicServiceName = z
  .string()
  .trim()
  .min(1)
  .max(SERVICE_NAME_MAX_CHARACTERS, `at most ${SERVICE_NAME_MAX_CHARACTERS} characters`)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} _&'()·-]*$/u, "letters, digits, spaces and _ & ' ( ) · - only");
