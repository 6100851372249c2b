import type { CommandIo } from '../cli-command.ts';
import type { ApiClientSettings } from '../cli-settings.ts';
import type { Translator } from '../console/i18n.ts';

/**
 * The one HTTP client of the commands that drive a running herald (`herald drafts`, `incident`,
 * `maintenance`): its JSON API with HERALD_API_TOKEN, at `--url`, else HERALD_URL, else
 * http://127.0.0.1:$PORT (cli-settings.ts).
 */

/**
 * herald could not be reached, or answered with a refusal: the message says which, for a person,
 * in the words of the command line (`cli.client.*`). herald's own answer is kept apart in
 * `answer`: the API speaks English to every client, so it is quoted, not mixed into the sentence.
 */
export class HeraldRefused extends Error {
  constructor(
    message: string,
    readonly answer: string[] = [],
  ) {
    super(message);
  }
}

export interface HeraldClient {
  /** Resolves to herald's JSON answer; throws {@link HeraldRefused} for a refusal or no answer. */
  call(method: string, path: string, body?: unknown): Promise<unknown>;
}

export function heraldClient(base: string, token: string, tr: Translator): HeraldClient {
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
        // The system's code (ECONNREFUSED, ENOTFOUND) or the timeout's name, not Node's English sentence.
        const cause = (err as Error).cause as { code?: string } | undefined;
        throw new HeraldRefused(tr.t('cli.client.unreachable', { url: base, reason: cause?.code ?? (err as Error).name }));
      }
      const text = await res.text();
      const parsed: unknown = text ? JSON.parse(text) : undefined;
      if (!res.ok) {
        const { error, details, code } = (parsed ?? {}) as { error?: string; details?: string[]; code?: string };
        throw new HeraldRefused(tr.t('cli.client.refused', { status: res.status, code: code ?? 'none' }), [error ?? res.statusText, ...(details ?? []).map((d) => `- ${d}`)]);
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
    io.err(`${io.tr.t('cli.client.noToken')}\n`);
    return 2;
  }
  try {
    await action(heraldClient(url ?? settings.url, settings.apiToken, io.tr));
    return 0;
  } catch (err) {
    if (!(err instanceof HeraldRefused)) throw err;
    // herald's answer, quoted line by line with "  > " (a reader, and the locale sweep, can tell it from the CLI's words).
    const answer = err.answer.length ? `${io.tr.t('cli.client.said')}\n${err.answer.map((line) => `  > ${line}`).join('\n')}\n` : '';
    io.err(`${err.message}\n${answer}`);
    return 1;
  }
}

/** What herald answered a `list`: as JSON with `--json` (for scripts), else as `forPeople` writes it. */
export function printListed<T>(io: CommandIo, json: boolean, items: T[], forPeople: (items: T[]) => string): void {
  io.out(json ? `${JSON.stringify(items, null, 2)}\n` : forPeople(items));
}
