import type { Db } from '../db/knex.js';

/** The stored argon2 hash, for checks that need the current password. */
export async function findPasswordHash(db: Db, userId: number): Promise<string | undefined> {
  const row: { password_hash: string } | undefined = await db('users').where({ id: userId }).first('password_hash');
  return row?.password_hash;
}

export async function setPasswordHash(db: Db, userId: number, passwordHash: string): Promise<void> {
  await db('users').where({ id: userId }).update({ password_hash: passwordHash });
}

/**
 * The account row; its nickname history and tags go with it (on delete cascade), and so do any
 * track rows still owned by it, whose files the caller deletes afterwards.
 */
export async function deleteUserRow(db: Db, userId: number): Promise<void> {
  await db('users').where({ id: userId }).delete();
}
