import { setCountedToggle } from '../db/counted-toggle.js';
import type { Db } from '../db/knex.js';

const PART_LIKES = { rows: 'contribution_likes', target: 'contribution_id', targets: 'contributions' } as const;

/** Likes on parts, kept exactly as likes on songs are (see setCountedToggle). */
export async function setContributionLiked(db: Db, userId: number, contributionId: number, liked: boolean): Promise<{ liked: boolean; likes: number }> {
  const { count } = await setCountedToggle(db, PART_LIKES, userId, contributionId, liked);
  return { liked, likes: count };
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
