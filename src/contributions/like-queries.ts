import type { Db } from '../db/knex.js';

/** Likes on parts, kept exactly as likes on songs are (src/posts/like-queries.ts). */
export async function setContributionLiked(db: Db, userId: number, contributionId: number, liked: boolean): Promise<{ liked: boolean; likes: number }> {
  return db.transaction(async (trx) => {
    const changed = liked
      ? await trx.raw<{ rowCount: number }>('insert into contribution_likes (user_id, contribution_id) values (?, ?) on conflict do nothing', [userId, contributionId])
      : await trx.raw<{ rowCount: number }>('delete from contribution_likes where user_id = ? and contribution_id = ?', [userId, contributionId]);
    const row: { likes_count: number } | undefined = changed.rowCount
      ? (await trx('contributions').where({ id: contributionId }).increment('likes_count', liked ? 1 : -1).returning('likes_count'))[0]
      : await trx('contributions').where({ id: contributionId }).first('likes_count');
    return { liked, likes: row?.likes_count ?? 0 };
  });
}

/** Which of these parts the musician liked (one query for the whole post page). */
export async function likedContributionIds(db: Db, userId: number | undefined, ids: number[]): Promise<Set<number>> {
  if (userId === undefined || ids.length === 0) return new Set();
  const liked: number[] = await db('contribution_likes').where('user_id', userId).whereIn('contribution_id', ids).pluck('contribution_id');
  return new Set(liked);
}

/** A musician leaving takes their likes on parts back first, so the parts' counters stay exact. */
export async function takeBackAllContributionLikes(db: Db, userId: number): Promise<void> {
  await db.transaction(async (trx) => {
    await trx.raw(
      `with gone as (delete from contribution_likes where user_id = ? returning contribution_id)
       update contributions c set likes_count = c.likes_count - 1 from gone where c.id = gone.contribution_id`,
      [userId],
    );
  });
}
