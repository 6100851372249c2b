/**
 * Writes docs/openapi.json from the zod schemas the routes check with (src/app/openapi.ts), so the
 * committed file is what `GET /api/openapi.json` serves. `npm run openapi` after changing a route or
 * its schema; test/openapi.test.ts fails while the file is out of date.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openapiDocument } from '../src/app/openapi.ts';

export const OPENAPI_FILE = fileURLToPath(new URL('../docs/openapi.json', import.meta.url));

/** The whole file's text: the served document, indented for review. */
export const openapiText = (): string => `${JSON.stringify(openapiDocument(), null, 2)}\n`;

if (process.argv[1] === fileURLToPath(import.meta.url)) writeFileSync(OPENAPI_FILE, openapiText());
