import type { Db } from '../db/knex.js';
import type { Cursor } from '../web/pagination.js';

/** Follows: one row per (follower, followed); a repeated follow inserts nothing. */
export async function setFollowing(db: Db, followerId: number, followedId: number, on: boolean): Promise<void> {
  if (on) await db.raw('insert into follows (follower_id, followed_id) values (?, ?) on conflict do nothing', [followerId, followedId]);
  else await db('follows').where({ follower_id: followerId, followed_id: followedId }).delete();
}

/** Counted rather than kept: two index-only scans, exact without a counter to keep in step. */
export async function countFollows(db: Db, userId: number): Promise<{ followers: number; following: number }> {
  const row = (await db
    .select(db.raw('(select count(*) from follows where followed_id = ?)::int as followers, (select count(*) from follows where follower_id = ?)::int as following', [userId, userId]))
    .first()) as { followers: number; following: number };
  return row;
}

export async function isFollowing(db: Db, followerId: number | undefined, followedId: number): Promise<boolean> {
  if (followerId === undefined || followerId === followedId) return false;
  return (await db('follows').where({ follower_id: followerId, followed_id: followedId }).first('follower_id')) !== undefined;
}

/** A musician in a followers/following list; `created_at` and `id` are the follow's keyset. */
export interface FollowListRow {
  id: number;
  nickname: string;
  bio: string;
  created_at: Date;
}

/** Who follows `userId` (direction 'followers') or whom they follow ('following'), newest follow first. */
export function followListQuery(db: Db, userId: number, direction: 'followers' | 'following', { before, limit }: { before?: Cursor | undefined; limit: number }) {
  const [mine, theirs] = direction === 'followers' ? ['followed_id', 'follower_id'] : ['follower_id', 'followed_id'];
  const q = db('follows as f')
    .join('users as u', 'u.id', `f.${theirs}`)
    .select('u.id', 'u.nickname', 'u.bio', 'f.created_at')
    .where(`f.${mine}`, userId)
    .orderBy([{ column: 'f.created_at', order: 'desc' }, { column: `f.${theirs}`, order: 'desc' }])
    .limit(limit);
  if (before) q.whereRaw(`(f.created_at, f.${theirs}) < (?, ?)`, [before.createdAt, before.id]);
  return q;
}

export async function listFollows(db: Db, userId: number, direction: 'followers' | 'following', options: { before?: Cursor | undefined; limit: number }): Promise<FollowListRow[]> {
  const rows: FollowListRow[] = await followListQuery(db, userId, direction, options);
  return rows;
}
