import type { Db } from '../db/knex.js';
import type { TaxonomyRow } from '../posts/taxonomy.js';

/** What a musician plays and likes, in the taxonomy's own order. */
export async function listMusicianTags(db: Db, userId: number): Promise<{ instruments: TaxonomyRow[]; genres: TaxonomyRow[] }> {
  const [instruments, genres] = await Promise.all([
    db('user_instruments as ui').join('instruments as i', 'i.id', 'ui.instrument_id').where('ui.user_id', userId).orderBy('i.position').select('i.id', 'i.slug', 'i.name') as Promise<TaxonomyRow[]>,
    db('user_genres as ug').join('genres as g', 'g.id', 'ug.genre_id').where('ug.user_id', userId).orderBy('g.position').select('g.id', 'g.slug', 'g.name') as Promise<TaxonomyRow[]>,
  ]);
  return { instruments, genres };
}

export async function replaceMusicianTags(trx: Db, userId: number, tags: { instrumentIds: number[]; genreIds: number[] }): Promise<void> {
  await trx('user_instruments').where({ user_id: userId }).delete();
  await trx('user_genres').where({ user_id: userId }).delete();
  if (tags.instrumentIds.length) await trx('user_instruments').insert(tags.instrumentIds.map((id) => ({ user_id: userId, instrument_id: id })));
  if (tags.genreIds.length) await trx('user_genres').insert(tags.genreIds.map((id) => ({ user_id: userId, genre_id: id })));
}

export async function updateNicknameAndBio(trx: Db, userId: number, profile: { nickname: string; bio: string }): Promise<void> {
  await trx('users').where({ id: userId }).update({ nickname: profile.nickname, bio: profile.bio });
}

/** Someone other than `userId` holds this nickname now or held it before (case-insensitive). */
export async function nicknameHeldByOther(db: Db, nickname: string, userId: number): Promise<boolean> {
  const row = await db
    .select(
      db.raw(
        `exists (select 1 from users where lower(nickname) = lower(?) and id <> ?)
           or exists (select 1 from nickname_history where lower(nickname) = lower(?) and user_id <> ?) as held`,
        [nickname, userId, nickname, userId],
      ),
    )
    .first();
  return Boolean(row?.held);
}

/** Keeps the name a musician gave up, so its old URLs find them; taking it back forgets it. */
export async function rememberOldNickname(trx: Db, userId: number, oldNickname: string, newNickname: string): Promise<void> {
  await trx('nickname_history').where({ user_id: userId }).whereRaw('lower(nickname) = lower(?)', [newNickname]).delete();
  await trx.raw(
    `insert into nickname_history (user_id, nickname) values (?, ?)
     on conflict (lower(nickname)) do update set changed_at = now() where nickname_history.user_id = excluded.user_id`,
    [userId, oldNickname],
  );
}

/** The current nickname of whoever gave up `oldNickname`, if anyone did. */
export async function findNicknameNow(db: Db, oldNickname: string): Promise<string | undefined> {
  const row: { nickname: string } | undefined = await db('nickname_history as h')
    .join('users as u', 'u.id', 'h.user_id')
    .whereRaw('lower(h.nickname) = lower(?)', [oldNickname])
    .first('u.nickname');
  return row?.nickname;
}

/** The ids of the instruments a musician plays (their home page lists songs looking for them). */
export async function listMusicianInstrumentIds(db: Db, userId: number): Promise<number[]> {
  return db('user_instruments').where({ user_id: userId }).pluck('instrument_id');
}
