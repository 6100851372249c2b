/**
 * herald's own version, read once from package.json (one level above both src/ and dist/), for
 * `herald --version`, `/healthz` and the `herald_build_info` metric.
 */
import { readFileSync } from 'node:fs';

export const heraldVersion: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
