import type { Db } from '../db/knex.js';

export type TokenPurpose = 'verify-email' | 'reset-password' | 'change-email';

export interface TokenRow {
  id: number;
  user_id: number;
  purpose: TokenPurpose;
  email: string;
  new_email: string | null;
  expires_at: Date;
  used_at: Date | null;
}

const columns = ['id', 'user_id', 'purpose', 'email', 'new_email', 'expires_at', 'used_at'] as const satisfies ReadonlyArray<keyof TokenRow>;

export async function insertToken(db: Db, t: { userId: number; purpose: TokenPurpose; email: string; newEmail?: string; tokenHash: Buffer; expiresAt: Date }): Promise<number> {
  const [row] = await db('account_tokens')
    .insert({ user_id: t.userId, purpose: t.purpose, email: t.email, new_email: t.newEmail ?? null, token_hash: t.tokenHash, expires_at: t.expiresAt })
    .returning(['id']);
  if (!row) throw new Error('insert into account_tokens returned no row');
  return row.id as number;
}

export async function deleteToken(db: Db, id: number): Promise<void> {
  await db('account_tokens').where({ id }).delete();
}

export async function findTokenByHash(db: Db, tokenHash: Buffer, { lock = false } = {}): Promise<TokenRow | undefined> {
  const query = db('account_tokens').select(columns).where({ token_hash: tokenHash }).first();
  const row: TokenRow | undefined = await (lock ? query.forUpdate() : query);
  return row;
}

export async function markTokenUsed(db: Db, id: number): Promise<void> {
  await db('account_tokens').where({ id }).update({ used_at: db.fn.now() });
}

/** Every other unused link of this kind stops working (a new password makes old reset links void). */
export async function spendOtherTokens(db: Db, userId: number, purpose: TokenPurpose): Promise<void> {
  await db('account_tokens').where({ user_id: userId, purpose }).whereNull('used_at').update({ used_at: db.fn.now() });
}
