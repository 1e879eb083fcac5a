import { setCountedToggle } from '../db/counted-toggle.js';
import type { Db } from '../db/knex.js';

const POST_LIKES = { rows: 'post_likes', target: 'post_id', targets: 'posts' } as const;

/** Likes on songs: one per (musician, song), the song's counter exact (see setCountedToggle). */
export async function setPostLiked(db: Db, userId: number, postId: number, liked: boolean): Promise<{ liked: boolean; likes: number }> {
  const { count } = await setCountedToggle(db, POST_LIKES, userId, postId, liked);
  return { liked, likes: count };
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
