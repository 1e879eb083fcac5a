import type { Db } from '../db/knex.js';

export interface UserRow {
  id: number;
  email: string;
  nickname: string;
  bio: string;
  verified: boolean;
  created_at: Date;
}

const columns = ['id', 'email', 'nickname', 'bio', 'verified', 'created_at'] as const satisfies ReadonlyArray<keyof UserRow>;

export async function insertUser(db: Db, user: { email: string; nickname: string; passwordHash: string }): Promise<UserRow> {
  const [row] = await db<UserRow & { password_hash: string }>('users')
    .insert({ email: user.email, nickname: user.nickname, password_hash: user.passwordHash })
    .returning(columns);
  if (!row) throw new Error('insert into users returned no row');
  return row;
}

export async function findUserById(db: Db, id: number): Promise<UserRow | undefined> {
  const row: UserRow | undefined = await db('users').select(columns).where({ id }).first();
  return row;
}

export async function findUserByNickname(db: Db, nickname: string): Promise<UserRow | undefined> {
  const row: UserRow | undefined = await db('users').select(columns).whereRaw('lower(nickname) = lower(?)', [nickname]).first();
  return row;
}

/** `password_hash` is null for an account made through a sign-in provider that has set no password. */
export async function findLoginByEmail(db: Db, email: string): Promise<(UserRow & { password_hash: string | null }) | undefined> {
  const row: (UserRow & { password_hash: string | null }) | undefined = await db('users').select([...columns, 'password_hash']).whereRaw('lower(email) = lower(?)', [email]).first();
  return row;
}

export async function findLoginById(db: Db, id: number): Promise<(UserRow & { password_hash: string | null }) | undefined> {
  const row: (UserRow & { password_hash: string | null }) | undefined = await db('users').select([...columns, 'password_hash']).where({ id }).first();
  return row;
}

export async function emailOrNicknameTaken(db: Db, email: string, nickname: string) {
  const row = await db('users')
    .select(db.raw('bool_or(lower(email) = lower(?)) as email', [email]), db.raw('bool_or(lower(nickname) = lower(?)) as nickname', [nickname]))
    .whereRaw('lower(email) = lower(?) or lower(nickname) = lower(?)', [email, nickname])
    .first();
  // A name someone gave up stays theirs while their account exists (profile-queries.ts).
  const given = await db('nickname_history').whereRaw('lower(nickname) = lower(?)', [nickname]).first('id');
  return { email: Boolean(row?.email), nickname: Boolean(row?.nickname) || given !== undefined };
}

/** An account made by signing in with a provider that vouched for the email: verified, no password yet. */
export async function insertUserWithoutPassword(db: Db, user: { email: string; nickname: string }): Promise<UserRow> {
  const [row] = await db<UserRow>('users').insert({ email: user.email, nickname: user.nickname, verified: true }).returning(columns);
  if (!row) throw new Error('insert into users returned no row');
  return row;
}
