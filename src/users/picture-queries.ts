import type { Db } from '../db/knex.js';

/** A musician's two pictures (null: the generated one is shown). */
export interface ProfilePictures {
  avatar_picture_id: string | null;
  cover_picture_id: string | null;
}

export async function findProfilePictures(db: Db, userId: number): Promise<ProfilePictures> {
  const row: ProfilePictures | undefined = await db('users').select('avatar_picture_id', 'cover_picture_id').where({ id: userId }).first();
  return row ?? { avatar_picture_id: null, cover_picture_id: null };
}

/** Sets (or clears) one of a musician's pictures and returns the one it replaced, in one statement. */
export async function swapProfilePicture(db: Db, userId: number, column: keyof ProfilePictures, pictureId: string | null): Promise<string | null> {
  // The subquery locks the row and reads the value from before this update.
  const { rows } = await db.raw<{ rows: Array<{ old: string | null }> }>(
    `update users u set ?? = ?
       from (select id, ?? as picture_id from users where id = ? for update) old
      where u.id = old.id
  returning old.picture_id as old`,
    [column, pictureId, column, userId],
  );
  return rows[0]?.old ?? null;
}
