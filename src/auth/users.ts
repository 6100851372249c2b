import { readFileSync } from 'node:fs';
import { hash, verify } from '@node-rs/argon2';
import { IANAZone } from 'luxon';
import { parse } from 'yaml';
import { z } from 'zod';
import { CONSOLE_ROLES, type ConsoleRole } from './access.ts';

/**
 * People who may use the console, from `HERALD_USERS_FILE`:
 *
 * ```yaml
 * users:
 *   - name: mina
 *     role: approver              # viewer, approver or admin
 *     passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$..."   # from `npx herald hash-password`
 *     locale: ko                  # optional: ko, ja or en; else the browser's, else HERALD_LOCALE
 *     timezone: Asia/Seoul        # optional: else HERALD_TIMEZONE
 * ```
 *
 * Passwords exist only as Argon2id hashes (the winner of the Password Hashing Competition and
 * OWASP's first choice), made and checked by @node-rs/argon2.
 */

export interface ConsoleUser {
  name: string;
  role: ConsoleRole;
  passwordHash: string;
  /** The console's language for this person (docs/staff-notices.md, "The console's language"). */
  locale?: 'ko' | 'ja' | 'en';
  timezone?: string;
}

const userSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9._-]{1,40}$/, 'letters, digits and . _ - only, at most 40'),
    role: z.enum(CONSOLE_ROLES),
    passwordHash: z.string().regex(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/, 'not an Argon2id hash: make one with `npx herald hash-password`; never write a password here'),
    locale: z.enum(['ko', 'ja', 'en']).optional(),
    timezone: z.string().refine((zone) => IANAZone.isValidZone(zone), 'not an IANA time zone such as Asia/Seoul').optional(),
  })
  .strict();

const fileSchema = z
  .object({ users: z.array(userSchema) })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.users.forEach((u, i) => {
      if (seen.has(u.name.toLowerCase())) ctx.addIssue({ code: 'custom', path: ['users', i, 'name'], message: `${u.name} appears twice` });
      seen.add(u.name.toLowerCase());
    });
  });

/** Reads and checks the users file; no file means nobody can sign in (the API token still works). */
export function loadUsers(file: string | undefined): { users: ConsoleUser[]; problems: string[] } {
  if (!file) return { users: [], problems: [] };
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    return { users: [], problems: [`HERALD_USERS_FILE: cannot read ${file}: ${(err as Error).message.split('\n')[0]}`] };
  }
  const parsed = fileSchema.safeParse(raw ?? {});
  if (!parsed.success) return { users: [], problems: parsed.error.issues.map((i) => `HERALD_USERS_FILE (${file}): ${i.path.join('.') || '(file)'}: ${i.message}`) };
  return { users: parsed.data.users, problems: [] };
}

/** An Argon2id hash with the library's defaults (19 MiB, 2 passes: OWASP's recommended minimum). */
export const hashPassword = (password: string): Promise<string> => hash(password);

// Checked when the name is unknown, so a wrong name takes as long as a wrong password.
let decoy: Promise<string> | undefined;
const decoyHash = (): Promise<string> => (decoy ??= hash('herald-decoy-password'));

/** The user whose name and password these are, or undefined. */
export async function authenticate(users: readonly ConsoleUser[], name: string, password: string): Promise<ConsoleUser | undefined> {
  const user = users.find((u) => u.name.toLowerCase() === name.trim().toLowerCase());
  const ok = await verify(user?.passwordHash ?? (await decoyHash()), password).catch(() => false);
  return user && ok ? user : undefined;
}
