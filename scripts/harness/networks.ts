/**
 * The fault harness's Bluesky and Mastodon accounts (`--networks`): a fake PDS and a fake instance
 * beside the fake X, each with faults of its own, and each network judged on its own (one root and
 * one reply per incident, recorded by herald as posted).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeBluesky, type BlueskyFault, type FakeBluesky } from '../../test/helpers/fake-bluesky.ts';
import { FAKE_MASTODON_TOKEN, startFakeMastodon, type FakeMastodon, type MastodonFault } from '../../test/helpers/fake-mastodon.ts';
import type { PostOnX, RecordedIncident } from './verdict.ts';

export interface NetworkFakes {
  env: Record<string, string>;
  /** Every network beside X, by the account id herald knows it as. */
  networks: { account: string; name: string; posts(): PostOnX[]; injected(): Record<string, number> }[];
  chaos(on: boolean): void;
  close(): Promise<void>;
}

const BLUESKY_FAULTS: BlueskyFault[] = ['429', '500', 'drop-after-create', 'drop-after-create', 'drop-before-create'];
const MASTODON_FAULTS: MastodonFault[] = ['429', '500', 'drop-after-create', 'drop-after-create', 'drop-before-create'];

export async function startNetworkFakes(dir: string, random: () => number): Promise<NetworkFakes> {
  const bluesky: FakeBluesky = await startFakeBluesky({ rateLimitResetSeconds: 1 });
  const mastodon: FakeMastodon = await startFakeMastodon({ rateLimitResetSeconds: 1 });
  const file = join(dir, 'accounts.yaml');
  writeFileSync(file, 'accounts:\n  - id: bsky\n    network: bluesky\n    locale: en\n    timezone: UTC\n  - id: masto\n    network: mastodon\n    locale: en\n    timezone: UTC\n');
  // Each kind of fault at least once, then at random.
  bluesky.failNext('429', 'drop-after-create', '500', 'drop-before-create');
  mastodon.failNext('429', 'drop-after-create', '500', 'drop-before-create');
  return {
    env: {
      HERALD_ACCOUNTS_FILE: file,
      BSKY_BSKY_HANDLE: bluesky.handle,
      BSKY_BSKY_APP_PASSWORD: bluesky.password,
      BSKY_BSKY_SERVICE: bluesky.url,
      MASTODON_MASTO_URL: mastodon.url,
      MASTODON_MASTO_TOKEN: FAKE_MASTODON_TOKEN,
      HERALD_MASTODON_POSTS_5MIN: '5000',
    },
    networks: [
      { account: 'bsky', name: 'Bluesky', posts: () => bluesky.posts.map((p) => ({ id: p.uri, text: p.text, ...(p.reply && { inReplyTo: p.reply.parent.uri }) })), injected: () => bluesky.injected },
      { account: 'masto', name: 'Mastodon', posts: () => mastodon.statuses.map((s) => ({ id: s.id, text: s.text, ...(s.inReplyToId && { inReplyTo: s.inReplyToId }) })), injected: () => mastodon.injected },
    ],
    chaos(on) {
      bluesky.setChaos(on ? { rate: 0.3, faults: BLUESKY_FAULTS, random } : undefined);
      mastodon.setChaos(on ? { rate: 0.3, faults: MASTODON_FAULTS, random } : undefined);
    },
    async close() {
      await Promise.all([bluesky.close(), mastodon.close()]);
    },
  };
}

/** One account's part of herald's records: the default account's tweets carry no `account`. */
export function recordsOf(records: Map<string, RecordedIncident | undefined>, account: string | undefined): Map<string, RecordedIncident | undefined> {
  return new Map(
    [...records].map(([key, r]) => [key, r && { tweets: r.tweets.filter((t) => (t as { account?: string }).account === account) }] as const),
  );
}
