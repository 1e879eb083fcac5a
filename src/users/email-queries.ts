import type { Db } from '../db/knex.js';

// The writes behind mailed links. Each holds only while the account's address is still the
// one the link was sent to: a link to an old address stops working when the address changes.

/** The address is proven: the musician may post. False when the account has another address now. */
export async function markEmailVerified(db: Db, userId: number, email: string): Promise<boolean> {
  return (await db('users').where({ id: userId }).whereRaw('lower(email) = lower(?)', [email]).update({ verified: true })) > 0;
}

/** Moves the account to a proven new address; a unique violation (23505) means someone else took it meanwhile. */
export async function moveToEmail(db: Db, userId: number, fromEmail: string, toEmail: string): Promise<boolean> {
  return (await db('users').where({ id: userId }).whereRaw('lower(email) = lower(?)', [fromEmail]).update({ email: toEmail, verified: true })) > 0;
}

/** A new password from a reset link; following the link also proves the address. */
export async function resetPasswordHash(db: Db, userId: number, email: string, passwordHash: string): Promise<boolean> {
  return (await db('users').where({ id: userId }).whereRaw('lower(email) = lower(?)', [email]).update({ password_hash: passwordHash, verified: true })) > 0;
}

export async function findPasswordHashById(db: Db, userId: number): Promise<string | undefined> {
  const row: { password_hash: string } | undefined = await db('users').select('password_hash').where({ id: userId }).first();
  return row?.password_hash;
}

export async function emailTaken(db: Db, email: string): Promise<boolean> {
  return Boolean(await db('users').select('id').whereRaw('lower(email) = lower(?)', [email]).first());
}
