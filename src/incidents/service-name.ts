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

/**
 * The service names herald may tweet, when they are pinned (HERALD_SERVICES and the catalog's
 * `services:`); undefined: any well-formed name. Pinned, a name outside the list (a look-alike, a
 * sentence in a label) is kept from the public like an unrouted alert. Exact: "Кakao" with a
 * Cyrillic K is not "Kakao".
 */
export type ServiceList = readonly string[] | undefined;

export const serviceListed = (service: string, services: ServiceList): boolean => services === undefined || services.includes(service);

/** Why an alert or event naming `service` was kept from the public. */
export const unlistedServiceReason = (service: string): string =>
  `service ${JSON.stringify(service.length > 60 ? `${service.slice(0, 60)}…` : service)} is not one herald may name (HERALD_SERVICES, the message catalog's services:)`;

/** What herald says at start when live and nothing pins the names: a webhook sender writes them. */
export const UNPINNED_SERVICES_WARNING =
  "service names are not pinned (neither HERALD_SERVICES nor the message catalog's services: is set): whoever can send a webhook chooses the words of the service name in a tweet; set HERALD_SERVICES to the names herald may post";
