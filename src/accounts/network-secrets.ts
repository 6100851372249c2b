/**
 * Where a Bluesky or Mastodon account's secrets come from. The names are pinned (a deployment
 * check relies on them); `<ID>` is the account id in upper case:
 *
 * - Bluesky: `BSKY_<ID>_HANDLE`, `BSKY_<ID>_APP_PASSWORD`, `BSKY_<ID>_SERVICE` (default https://bsky.social)
 * - Mastodon: `MASTODON_<ID>_URL` (the instance), `MASTODON_<ID>_TOKEN`
 *
 * None set: the account runs dry. Some but not all: a problem reported at start.
 */

export interface BlueskyCredentials {
  handle: string;
  appPassword: string;
  service: string;
  timeoutMs: number;
}

export interface MastodonCredentials {
  url: string;
  token: string;
  timeoutMs: number;
}

export const DEFAULT_BSKY_SERVICE = 'https://bsky.social';

export const bskySecret = (id: string, what: 'HANDLE' | 'APP_PASSWORD' | 'SERVICE') => `BSKY_${id.toUpperCase()}_${what}`;
export const mastodonSecret = (id: string, what: 'URL' | 'TOKEN') => `MASTODON_${id.toUpperCase()}_${what}`;

type Env = Readonly<Record<string, string | undefined>>;

const read = (env: Env, name: string) => env[name]?.trim() || undefined;

function httpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** The account's credentials for its network, or none (dry run), and what is wrong with them. */
export function networkSecrets(
  network: 'bluesky' | 'mastodon',
  id: string,
  env: Env,
  timeoutMs: number,
): { credentials: { bluesky?: BlueskyCredentials; mastodon?: MastodonCredentials }; problems: string[] } {
  const required = network === 'bluesky' ? [bskySecret(id, 'HANDLE'), bskySecret(id, 'APP_PASSWORD')] : [mastodonSecret(id, 'URL'), mastodonSecret(id, 'TOKEN')];
  const missing = required.filter((name) => !read(env, name));
  const label = network === 'bluesky' ? 'Bluesky' : 'Mastodon';
  if (missing.length === required.length) return { credentials: {}, problems: [] };
  if (missing.length > 0) {
    return { credentials: {}, problems: [`account ${id}: ${label} credentials are incomplete: ${missing.join(', ')} missing (set ${required.join(' and ')}, or none for dry-run)`] };
  }
  if (network === 'bluesky') {
    const service = (read(env, bskySecret(id, 'SERVICE')) ?? DEFAULT_BSKY_SERVICE).replace(/\/+$/, '');
    const handle = read(env, bskySecret(id, 'HANDLE'))!.replace(/^@/, '');
    const problems = [
      ...(httpUrl(service) ? [] : [`account ${id}: ${bskySecret(id, 'SERVICE')} must be an http(s) URL such as ${DEFAULT_BSKY_SERVICE}`]),
      ...(/^[a-z0-9.-]+\.[a-z0-9-]+$/i.test(handle) ? [] : [`account ${id}: ${bskySecret(id, 'HANDLE')} must be a Bluesky handle such as status.example.com (without @)`]),
    ];
    return problems.length > 0 ? { credentials: {}, problems } : { credentials: { bluesky: { handle, appPassword: read(env, bskySecret(id, 'APP_PASSWORD'))!, service, timeoutMs } }, problems };
  }
  const url = read(env, mastodonSecret(id, 'URL'))!.replace(/\/+$/, '');
  if (!httpUrl(url)) return { credentials: {}, problems: [`account ${id}: ${mastodonSecret(id, 'URL')} must be the instance's http(s) URL such as https://mastodon.social`] };
  return { credentials: { mastodon: { url, token: read(env, mastodonSecret(id, 'TOKEN'))!, timeoutMs } }, problems: [] };
}
