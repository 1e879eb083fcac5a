import type { Db } from '../db/knex.js';

/** A counter as it stands: hits in the current window and the seconds until it resets. */
export interface Counter {
  hits: number;
  retryAfterSeconds: number;
}

/**
 * Counts one hit on `key` in a fixed window of `windowSeconds`, starting a new window when the
 * last one has ended. One statement: concurrent hits from any process queue on the row's lock,
 * so none is lost. Rows whose window ended a day ago go on the same path (failures only, so
 * that delete runs no more often than people fail).
 */
export async function countHit(db: Db, key: string, windowSeconds: number): Promise<Counter> {
  const { rows } = await db.raw<{ rows: Array<{ hits: number; retry_after: string }> }>(
    `insert into rate_limits as r (key, hits, reset_at) values (?, 1, now() + make_interval(secs => ?))
     on conflict (key) do update set
       hits = case when r.reset_at <= now() then 1 else r.hits + 1 end,
       reset_at = case when r.reset_at <= now() then excluded.reset_at else r.reset_at end
     returning hits, ceil(extract(epoch from r.reset_at - now())) as retry_after`,
    [key, windowSeconds],
  );
  await db('rate_limits').where('reset_at', '<', db.raw("now() - interval '1 day'")).delete();
  return toCounter(rows[0]!);
}

/** The counters of `keys` whose window has not ended, by key; a key without one is absent. */
export async function readCounters(db: Db, keys: string[]): Promise<Map<string, Counter>> {
  const rows: Array<{ key: string; hits: number; retry_after: string }> = await db('rate_limits')
    .select('key', 'hits', db.raw('ceil(extract(epoch from reset_at - now())) as retry_after'))
    .whereIn('key', keys)
    .where('reset_at', '>', db.fn.now());
  return new Map(rows.map((r) => [r.key, toCounter(r)]));
}

export async function clearCounter(db: Db, key: string): Promise<void> {
  await db('rate_limits').where({ key }).delete();
}

const toCounter = (row: { hits: number; retry_after: string }): Counter => ({ hits: row.hits, retryAfterSeconds: Math.max(1, Number(row.retry_after)) });
