import type { CommandIo } from '../cli-command.ts';
import type { ApiClientSettings } from '../cli-settings.ts';

/**
 * The one HTTP client of the commands that drive a running herald (`herald drafts`, `incident`,
 * `maintenance`): its JSON API with HERALD_API_TOKEN, at `--url`, else HERALD_URL, else
 * http://127.0.0.1:$PORT (cli-settings.ts).
 */

/** herald could not be reached, or answered with a refusal: the message says which, for a person. */
export class HeraldRefused extends Error {}

export interface HeraldClient {
  /** Resolves to herald's JSON answer; throws {@link HeraldRefused} for a refusal or no answer. */
  call(method: string, path: string, body?: unknown): Promise<unknown>;
}

export function heraldClient(base: string, token: string): HeraldClient {
  return {
    async call(method, path, body) {
      let res: Response;
      try {
        res = await fetch(new URL(path, base), {
          method,
          headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(15_000),
        });
      } catch (err) {
        throw new HeraldRefused(`cannot reach herald at ${base}: ${(err as Error).cause ?? (err as Error).message}`);
      }
      const text = await res.text();
      const parsed: unknown = text ? JSON.parse(text) : undefined;
      if (!res.ok) {
        const { error, details } = (parsed ?? {}) as { error?: string; details?: string[] };
        throw new HeraldRefused(`herald answered ${res.status}: ${error ?? res.statusText}${details?.length ? `\n  - ${details.join('\n  - ')}` : ''}`);
      }
      return parsed;
    },
  };
}

/**
 * Runs a command's requests against the running herald and turns the outcome into its exit code:
 * 2 without HERALD_API_TOKEN, 1 with herald's refusal on stderr, 0 once `action` is done.
 */
export async function withHerald(io: CommandIo, settings: ApiClientSettings, url: string | undefined, action: (herald: HeraldClient) => Promise<void>): Promise<number> {
  if (!settings.apiToken) {
    io.err('set HERALD_API_TOKEN to the token the running herald was started with\n');
    return 2;
  }
  try {
    await action(heraldClient(url ?? settings.url, settings.apiToken));
    return 0;
  } catch (err) {
    if (!(err instanceof HeraldRefused)) throw err;
    io.err(`${err.message}\n`);
    return 1;
  }
}

/** What herald answered a `list`: as JSON with `--json` (for scripts), else as `forPeople` writes it. */
export function printListed<T>(io: CommandIo, json: boolean, items: T[], forPeople: (items: T[]) => string): void {
  io.out(json ? `${JSON.stringify(items, null, 2)}\n` : forPeople(items));
}
