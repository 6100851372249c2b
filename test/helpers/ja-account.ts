import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeX, type FakeX } from './fake-x.ts';
import { startTestHerald, type TestHerald } from './herald.ts';

export interface HeraldWithJa {
  /** The herald; its default account (ko) posts to `t.fakeX`. */
  t: TestHerald;
  /** The fake X of the `ja` account (username herald_jp). */
  fakeJa: FakeX;
  close(): Promise<void>;
}

/**
 * A herald with two X accounts: the default one and `ja` (Japanese, Asia/Tokyo), declared in an
 * accounts file as an operator would, each posting to its own fake X.
 */
export async function startHeraldWithJa(env: Record<string, string> = {}): Promise<HeraldWithJa> {
  const dir = await mkdtemp(join(tmpdir(), 'herald-ja-'));
  const fakeJa = await startFakeX({ user: { id: '1500000000000000099', name: 'Herald JP', username: 'herald_jp' } });
  const file = join(dir, 'accounts.yaml');
  await writeFile(file, 'accounts:\n  - id: ja\n    locale: ja\n    timezone: Asia/Tokyo\n    username: herald_jp\n');
  const t = await startTestHerald({
    HERALD_ACCOUNTS_FILE: file,
    HERALD_LOCALE: 'ko',
    HERALD_FOLLOWUP_MINUTES: '0',
    X_JA_APP_KEY: 'ja-key', X_JA_APP_SECRET: 'ja-secret', X_JA_ACCESS_TOKEN: 'ja-token', X_JA_ACCESS_SECRET: 'ja-token-secret',
    X_JA_API_BASE_URL: fakeJa.url,
    ...env,
  });
  return {
    t,
    fakeJa,
    async close() {
      await t.close();
      await fakeJa.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
