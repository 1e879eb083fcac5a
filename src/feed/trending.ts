import type { Db } from '../db/knex.js';

/**
 * Trending: what musicians did with a song in the last 7 days, never all-time.
 *
 *   score = 5 × new parts + 3 × likes + 1 × plays   (each counted over the last 7 days)
 *
 * A part is someone recording on the song, a like a deliberate press, a play 30 s of
 * listening (src/tracks/plays.ts): weighted by the effort each takes. Likes count by their
 * moment, parts by their upload, plays by their clock hour (the 7 days start at an hour).
 *
 * Why a table refreshed by the worker rather than a query per page: the score is a sum over
 * every like, play and part of the week, which no index can order; each page would add them
 * all up again and sort. Measured by src/db/explain.test.ts (100 000 songs, 90 000 of them
 * active in the week, 2 cores shared with other work): a page computed live took 0.9–1.6 s,
 * a page of trending_songs 4–13 ms (one ordered scan of trending_songs_score_idx), and a
 * rebuild 8.7–10.7 s of the worker's time every TRENDING_REFRESH_SECONDS. The table is rebuilt
 * in one transaction, so readers see the old ranking until the new one is whole; a page read
 * across a rebuild continues from its (score, id), so a song whose score moved may show twice
 * or be skipped once.
 */
export const TRENDING_WEIGHTS = { part: 5, like: 3, play: 1 } as const;

/** How often the worker rebuilds the ranking. */
export const TRENDING_REFRESH_SECONDS = 180;

/** Only one worker rebuilds at a time (every instance runs one); the others skip their turn. */
const REFRESH_LOCK = 4_242_701;

const weekAgo = (db: Db) => db.raw(`now() - interval '7 days'`);

/** Every song with a like, play or part in the last 7 days, with its counts and score. The EXPLAIN test reads it. */
export function trendingScoresQuery(db: Db) {
  const likes = db('post_likes').select('post_id').count({ n: '*' }).where('created_at', '>', weekAgo(db)).groupBy('post_id');
  const parts = db('contributions').select('post_id').count({ n: '*' }).where('created_at', '>', weekAgo(db)).groupBy('post_id');
  const plays = db('post_play_hours').select('post_id').sum({ n: 'plays' }).where('hour', '>=', db.raw(`date_trunc('hour', now() - interval '7 days')`)).groupBy('post_id');
  const { part, like, play } = TRENDING_WEIGHTS;
  return db
    .with('l', likes)
    .with('c', parts)
    .with('h', plays)
    .select(
      's.post_id',
      db.raw(`(${part} * coalesce(c.n, 0) + ${like} * coalesce(l.n, 0) + ${play} * coalesce(h.n, 0))::int as score`),
      db.raw('coalesce(l.n, 0)::int as likes'),
      db.raw('coalesce(h.n, 0)::int as plays'),
      db.raw('coalesce(c.n, 0)::int as parts'),
    )
    .from(db.raw('(select post_id from l union select post_id from c union select post_id from h) as s'))
    .leftJoin('l', 'l.post_id', 's.post_id')
    .leftJoin('c', 'c.post_id', 's.post_id')
    .leftJoin('h', 'h.post_id', 's.post_id');
}

/**
 * Rebuilds trending_songs from the last 7 days and sweeps play hours too old to count.
 * Returns how many songs are trending, or undefined when another worker is rebuilding.
 */
export async function refreshTrending(db: Db): Promise<number | undefined> {
  return db.transaction(async (trx) => {
    const { rows } = await trx.raw<{ rows: Array<{ ok: boolean }> }>('select pg_try_advisory_xact_lock(?) as ok', [REFRESH_LOCK]);
    if (!rows[0]?.ok) return undefined;
    await trx('trending_songs').delete();
    const { sql, bindings } = trendingScoresQuery(trx).toSQL();
    const inserted = await trx.raw<{ rowCount: number }>(`insert into trending_songs (post_id, score, likes, plays, parts) ${sql}`, bindings);
    await trx('post_play_hours').where('hour', '<', trx.raw(`now() - interval '8 days'`)).delete();
    return inserted.rowCount;
  });
}

/** Whether the ranking is older than TRENDING_REFRESH_SECONDS (or holds nothing). Every row of a rebuild has its time. */
export async function trendingIsStale(db: Db): Promise<boolean> {
  const row: { refreshed_at: Date } | undefined = await db('trending_songs').first('refreshed_at');
  return !row || Date.now() - row.refreshed_at.getTime() > TRENDING_REFRESH_SECONDS * 1000;
}

/** Keyset on (score, post_id), highest first. */
export interface TrendingCursor {
  score: number;
  id: number;
}

export function encodeTrendingCursor(row: { score: number; post_id: number }): string {
  return `${row.score}_${row.post_id}`;
}

export function decodeTrendingCursor(value: unknown): TrendingCursor | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{1,9})_(\d{1,18})$/.exec(value);
  return m ? { score: Number(m[1]), id: Number(m[2]) } : undefined;
}

/** One page of the ranking: an ordered scan of trending_songs_score_idx. The EXPLAIN test reads it. */
export function trendingPageQuery(db: Db, { before, limit }: { before?: TrendingCursor | undefined; limit: number }) {
  const q = db('trending_songs')
    .select('post_id', 'score')
    .orderBy([{ column: 'score', order: 'desc' }, { column: 'post_id', order: 'desc' }])
    .limit(limit);
  if (before) q.whereRaw('(score, post_id) < (?, ?)', [before.score, before.id]);
  return q;
}

export async function listTrending(db: Db, options: { before?: TrendingCursor | undefined; limit: number }): Promise<Array<{ post_id: number; score: number }>> {
  const rows: Array<{ post_id: number; score: number }> = await trendingPageQuery(db, options);
  return rows;
}
