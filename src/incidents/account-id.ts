/**
 * Which account a post is on, with no other imports: the rules below accounts.ts (draft-rules.ts,
 * whose audit entries name a post's account) read it without an import cycle. accounts.ts
 * re-exports all of it.
 */

/** An account's id: `x` for the default X account, the accounts file's `id` for the others. */
export type AccountId = string;

/**
 * The default account's id. It is also how its Redis keys were always spelt (`<prefix>:account:x`,
 * `<prefix>:budget:x:posts`) and its id in the API (`/api/accounts/x/resume`), so no key moves.
 */
export const DEFAULT_ACCOUNT: AccountId = 'x';

/** Account ids in order, the default account first. */
export type AccountIds = readonly AccountId[];

/**
 * The account a post is on. A post of the default account is stored without `account` (as every
 * post was before herald had several accounts), and JSON written by earlier versions says `null`:
 * both read as the default account here, the one place that knows, so an upgrade loses nothing.
 */
export const accountOf = (post: { account?: string | null }): AccountId => post.account ?? DEFAULT_ACCOUNT;
