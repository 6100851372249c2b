import { createHash, randomBytes } from 'node:crypto';
import type { RedisClient as Redis } from '../redis/connect.ts';
import type { AuditEntry } from '../incidents/model.ts';

/**
 * Console sessions live in Redis, so every herald process knows them and signing out ends them
 * everywhere. The cookie holds a random token; Redis holds only its hash, so a copy of Redis
 * cannot be replayed as a cookie.
 */
export interface Session {
  user: string;
  createdAt: string;
}

const digest = (token: string): string => createHash('sha256').update(token).digest('hex');

/** How many sign-ins, refusals and sign-outs the account log keeps. */
const ACCOUNT_LOG_LENGTH = 2000;

export class SessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    readonly ttlMs: number,
  ) {}

  private key(token: string): string {
    return `${this.prefix}:session:${digest(token)}`;
  }

  private get logKey(): string {
    return `${this.prefix}:account-log`;
  }

  /** Starts a session and returns the token for the cookie. */
  async create(user: string, now = new Date()): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const session: Session = { user, createdAt: now.toISOString() };
    await this.redis.set(this.key(token), JSON.stringify(session), 'PX', this.ttlMs);
    return token;
  }

  async get(token: string | undefined): Promise<Session | null> {
    if (!token || token.length > 100) return null;
    const raw = await this.redis.get(this.key(token));
    return raw ? (JSON.parse(raw) as Session) : null;
  }

  async destroy(token: string | undefined): Promise<void> {
    if (token) await this.redis.del(this.key(token));
  }

  /** Records a sign-in, a refused sign-in or a sign-out; admins see them beside the incidents' audit. */
  async logAccount(entry: AuditEntry): Promise<void> {
    await this.redis.multi().lpush(this.logKey, JSON.stringify(entry)).ltrim(this.logKey, 0, ACCOUNT_LOG_LENGTH - 1).exec();
  }

  async accountLog(limit: number): Promise<AuditEntry[]> {
    return (await this.redis.lrange(this.logKey, 0, limit - 1)).map((raw) => JSON.parse(raw) as AuditEntry);
  }
}
