import type { Db } from './knex.js';

/**
 * A toggle with a counter beside it (likes on songs, likes on parts): one row per
 * (musician, target) in `rows`, and `likes_count` on the target's own row in `targets`.
 */
export interface CountedToggle {
  rows: string;
  /** The column of `rows` naming the target. */
  target: string;
  targets: string;
}

/**
 * Sets the toggle on or off. `on conflict do nothing` makes a repeat insert nothing, and the
 * counter moves in the same transaction only when a row really came or went, so the count
 * stays exact under any concurrency. Answers the state and the count after it.
 */
export async function setCountedToggle(db: Db, t: CountedToggle, userId: number, targetId: number, on: boolean): Promise<{ on: boolean; count: number }> {
  return db.transaction(async (trx) => {
    const changed = on
      ? await trx.raw<{ rowCount: number }>('insert into ?? (user_id, ??) values (?, ?) on conflict do nothing', [t.rows, t.target, userId, targetId])
      : await trx.raw<{ rowCount: number }>('delete from ?? where user_id = ? and ?? = ?', [t.rows, userId, t.target, targetId]);
    const row: { likes_count: number } | undefined = changed.rowCount
      ? (await trx(t.targets).where({ id: targetId }).increment('likes_count', on ? 1 : -1).returning('likes_count'))[0]
      : await trx(t.targets).where({ id: targetId }).first('likes_count');
    return { on, count: row?.likes_count ?? 0 };
  });
}
