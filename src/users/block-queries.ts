import type { Db } from '../db/knex.js';
import type { Cursor } from '../web/pagination.js';

/**
 * Blocks: one row per (blocker, blocked). Blocking also ends any follow between the two, both
 * ways (someone you blocked should not keep your songs in their feed, nor you theirs).
 */
export async function setBlocked(db: Db, blockerId: number, blockedId: number, on: boolean): Promise<void> {
  if (!on) {
    await db('blocks').where({ blocker_id: blockerId, blocked_id: blockedId }).delete();
    return;
  }
  await db.transaction(async (trx) => {
    await trx.raw('insert into blocks (blocker_id, blocked_id) values (?, ?) on conflict do nothing', [blockerId, blockedId]);
    await trx('follows')
      .where({ follower_id: blockerId, followed_id: blockedId })
      .orWhere({ follower_id: blockedId, followed_id: blockerId })
      .delete();
  });
}

export async function hasBlocked(db: Db, blockerId: number | undefined, blockedId: number): Promise<boolean> {
  if (blockerId === undefined || blockerId === blockedId) return false;
  return (await db('blocks').where({ blocker_id: blockerId, blocked_id: blockedId }).first('blocker_id')) !== undefined;
}

/** Who blocked whom between two musicians: two primary-key lookups in one statement. */
export async function blocksBetween(db: Db, a: number, b: number): Promise<{ aBlockedB: boolean; bBlockedA: boolean }> {
  const row = (await db
    .select(
      db.raw(
        `exists (select 1 from blocks where blocker_id = ? and blocked_id = ?) as "aBlockedB",
         exists (select 1 from blocks where blocker_id = ? and blocked_id = ?) as "bBlockedA"`,
        [a, b, b, a],
      ),
    )
    .first()) as { aBlockedB: boolean; bBlockedA: boolean };
  return row;
}

/**
 * The ids of the musicians `viewerId` has blocked, as a subquery to put in another query:
 * `.whereNotIn('c.author_id', blockedByQuery(db, viewerId))`. A visitor has blocked nobody.
 */
export function blockedByQuery(db: Db, viewerId: number | undefined) {
  return db('blocks').select('blocked_id').where('blocker_id', viewerId ?? 0);
}

/**
 * The musicians whose content (comments, conversations) `viewerId` must not be shown: those
 * they have blocked. Empty for a visitor. For a list query, blockedByQuery keeps it one query.
 */
export async function hiddenAuthorIdsFor(db: Db, viewerId: number | undefined): Promise<number[]> {
  if (viewerId === undefined) return [];
  return (await blockedByQuery(db, viewerId)).map((r: { blocked_id: number }) => r.blocked_id);
}

/** A musician in the blocker's list; `created_at` and `id` are the block's keyset. */
export interface BlockedRow {
  id: number;
  nickname: string;
  avatar_picture_id: string | null;
  created_at: Date;
}

/** Whom `blockerId` has blocked, newest block first. */
export function blockedListQuery(db: Db, blockerId: number, { before, limit }: { before?: Cursor | undefined; limit: number }) {
  const q = db('blocks as b')
    .join('users as u', 'u.id', 'b.blocked_id')
    .select('u.id', 'u.nickname', 'u.avatar_picture_id', 'b.created_at')
    .where('b.blocker_id', blockerId)
    .orderBy([{ column: 'b.created_at', order: 'desc' }, { column: 'b.blocked_id', order: 'desc' }])
    .limit(limit);
  if (before) q.whereRaw('(b.created_at, b.blocked_id) < (?, ?)', [before.createdAt, before.id]);
  return q;
}

export async function listBlocked(db: Db, blockerId: number, options: { before?: Cursor | undefined; limit: number }): Promise<BlockedRow[]> {
  const rows: BlockedRow[] = await blockedListQuery(db, blockerId, options);
  return rows;
}
