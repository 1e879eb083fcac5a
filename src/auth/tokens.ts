import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/knex.js';
import { findTokenByHash, insertToken, markTokenUsed, type TokenPurpose, type TokenRow } from './token-queries.js';

/** How long each kind of link works. */
export const TOKEN_LIFETIME_MS: Record<TokenPurpose, number> = {
  'verify-email': 48 * 3600_000,
  'change-email': 48 * 3600_000,
  'reset-password': 3600_000,
};

const hashOf = (token: string) => createHash('sha256').update(token, 'utf8').digest();

/**
 * A new single-use link token: 32 random bytes for the mail, their sha256 for the table.
 * A hash without a salt is enough here: the token itself is random, not a password.
 */
export async function mintToken(db: Db, fields: { userId: number; purpose: TokenPurpose; email: string; newEmail?: string }): Promise<{ token: string; id: number }> {
  const token = randomBytes(32).toString('base64url');
  const id = await insertToken(db, { ...fields, tokenHash: hashOf(token), expiresAt: new Date(Date.now() + TOKEN_LIFETIME_MS[fields.purpose]) });
  return { token, id };
}

export type TokenProblem = 'unknown' | 'used' | 'expired';
export type TokenCheck = { ok: true; token: TokenRow } | { ok: false; problem: TokenProblem };

function judge(row: TokenRow | undefined, purposes: readonly TokenPurpose[]): TokenCheck {
  if (!row || !purposes.includes(row.purpose)) return { ok: false, problem: 'unknown' };
  if (row.used_at) return { ok: false, problem: 'used' };
  if (row.expires_at.getTime() <= Date.now()) return { ok: false, problem: 'expired' };
  return { ok: true, token: row };
}

/** What a link's page shows before anything is done: is this token still good? */
export async function checkToken(db: Db, token: unknown, purposes: readonly TokenPurpose[]): Promise<TokenCheck> {
  if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(token)) return { ok: false, problem: 'unknown' };
  return judge(await findTokenByHash(db, hashOf(token)), purposes);
}

/**
 * Spends a token inside `trx`: its row is locked, so two clicks on the same link can't both
 * pass; the caller's change and the token's `used_at` commit together or not at all.
 */
export async function spendToken(trx: Db, token: unknown, purposes: readonly TokenPurpose[]): Promise<TokenCheck> {
  if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(token)) return { ok: false, problem: 'unknown' };
  const checked = judge(await findTokenByHash(trx, hashOf(token), { lock: true }), purposes);
  if (checked.ok) await markTokenUsed(trx, checked.token.id);
  return checked;
}
