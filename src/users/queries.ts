import type { Db } from '../db/knex.js';

export interface UserRow {
  id: number;
  email: string;
  nickname: string;
  bio: string;
  verified: boolean;
  created_at: Date;
}

const columns = ['id', 'email', 'nickname', 'bio', 'verified', 'created_at'] as const;

export async function insertUser(db: Db, user: { email: string; nickname: string; passwordHash: string }): Promise<UserRow> {
  const [row] = await db('users')
    .insert({ email: user.email, nickname: user.nickname, password_hash: user.passwordHash })
    .returning(columns);
  return row as UserRow;
}

export async function findUserById(db: Db, id: number): Promise<UserRow | undefined> {
  return db('users').select(columns).where({ id }).first();
}

export async function findUserByNickname(db: Db, nickname: string): Promise<UserRow | undefined> {
  return db('users').select(columns).whereRaw('lower(nickname) = lower(?)', [nickname]).first();
}

export async function findLoginByEmail(db: Db, email: string): Promise<(UserRow & { password_hash: string }) | undefined> {
  return db('users').select([...columns, 'password_hash']).whereRaw('lower(email) = lower(?)', [email]).first();
}

export async function emailOrNicknameTaken(db: Db, email: string, nickname: string) {
  const row = await db('users')
    .select(db.raw('bool_or(lower(email) = lower(?)) as email', [email]), db.raw('bool_or(lower(nickname) = lower(?)) as nickname', [nickname]))
    .whereRaw('lower(email) = lower(?) or lower(nickname) = lower(?)', [email, nickname])
    .first();
  return { email: Boolean(row?.email), nickname: Boolean(row?.nickname) };
}
