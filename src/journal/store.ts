import type { RedisClient as Redis } from '../redis/connect.ts';
import { emptyJournal, type StoredJournal } from './journal.ts';

/** Where staff notes live, apart from the incident record that the workers rewrite. */
export interface JournalStore {
  get(key: string): Promise<StoredJournal>;
  /** Atomic per incident: `change` may run again if another edit landed meanwhile, so keep it pure. */
  update(key: string, change: (current: StoredJournal) => StoredJournal): Promise<StoredJournal>;
}

// Compare-and-set, as in incidents/adapters/redis-store.ts: safe on a connection shared by concurrent requests.
const CAS_SCRIPT = `
local current = redis.call('GET', KEYS[1]) or ''
if current ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1
`;

type CasCommand = (key: string, expected: string, next: string) => Promise<number>;

export class RedisJournalStore implements JournalStore {
  private readonly cas: CasCommand;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    if (!('heraldJournalCas' in redis)) redis.defineCommand('heraldJournalCas', { numberOfKeys: 1, lua: CAS_SCRIPT });
    this.cas = (redis as unknown as { heraldJournalCas: CasCommand }).heraldJournalCas.bind(redis);
  }

  private keyOf(key: string): string {
    return `${this.prefix}:journal:${key}`;
  }

  async get(key: string): Promise<StoredJournal> {
    const raw = await this.redis.get(this.keyOf(key));
    return raw ? (JSON.parse(raw) as StoredJournal) : emptyJournal();
  }

  async update(key: string, change: (current: StoredJournal) => StoredJournal): Promise<StoredJournal> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const raw = (await this.redis.get(this.keyOf(key))) ?? '';
      const next = change(raw ? (JSON.parse(raw) as StoredJournal) : emptyJournal());
      const serialized = JSON.stringify(next);
      if (serialized === raw || (await this.cas(this.keyOf(key), raw, serialized)) === 1) return next;
    }
    throw new Error(`the journal of ${key} kept changing under 50 attempts to edit it`);
  }
}
