import type { Db } from '../db/knex.js';

/**
 * Likes on songs. The row is unique per (musician, song): `on conflict do nothing` makes a
 * repeated like insert nothing, and the song's counter moves in the same transaction only
 * when a row was really inserted or deleted, so the count stays exact under any concurrency.
 */
export async function setPostLiked(db: Db, userId: number, postId: number, liked: boolean): Promise<{ liked: boolean; likes: number }> {
  return db.transaction(async (trx) => {
    const changed = liked
      ? await trx.raw<{ rowCount: number }>('insert into post_likes (user_id, post_id) values (?, ?) on conflict do nothing', [userId, postId])
      : await trx.raw<{ rowCount: number }>('delete from post_likes where user_id = ? and post_id = ?', [userId, postId]);
    const row: { likes_count: number } | undefined = changed.rowCount
      ? (await trx('posts').where({ id: postId }).increment('likes_count', liked ? 1 : -1).returning('likes_count'))[0]
      : await trx('posts').where({ id: postId }).first('likes_count');
    return { liked, likes: row?.likes_count ?? 0 };
  });
}

/** Which of these songs the musician liked (one query for a whole page of cards). */
export async function likedPostIds(db: Db, userId: number | undefined, postIds: number[]): Promise<Set<number>> {
  if (userId === undefined || postIds.length === 0) return new Set();
  const ids: number[] = await db('post_likes').where('user_id', userId).whereIn('post_id', postIds).pluck('post_id');
  return new Set(ids);
}

/** A musician leaving takes their likes back first, so the songs' counters stay exact. */
export async function takeBackAllPostLikes(db: Db, userId: number): Promise<void> {
  await db.transaction(async (trx) => {
    await trx.raw(
      `with gone as (delete from post_likes where user_id = ? returning post_id)
       update posts p set likes_count = p.likes_count - 1 from gone where p.id = gone.post_id`,
      [userId],
    );
  });
}
