import type { Db } from '../db/knex.js';
import type { Cursor } from '../web/pagination.js';
import { listPostSummariesByIds, type PostSummary } from './queries.js';

/** What a looking-for list is narrowed to (the filters of /looking-for/:instrument). */
export interface LookingForFilter {
  genreId?: number | undefined;
  bpmMin?: number | undefined;
  bpmMax?: number | undefined;
  key?: string | undefined;
  /** Leave out this musician's own songs (their home page lists what others need). */
  notByAuthorId?: number | undefined;
}

/**
 * The instruments the song still needs become exactly `instrumentIds`: ones taken off go, new
 * ones are added, ones kept keep the moment they were first asked for.
 */
export async function setLookingFor(db: Db, postId: number, instrumentIds: number[]): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('post_looking_for').where({ post_id: postId }).whereNotIn('instrument_id', instrumentIds).delete();
    if (instrumentIds.length === 0) return;
    await trx.raw(
      `insert into post_looking_for (post_id, instrument_id, post_created_at)
       select p.id, i.id, p.created_at from posts p, instruments i where p.id = ? and i.id = any(?::int[])
       on conflict (post_id, instrument_id) do nothing`,
      [postId, instrumentIds],
    );
  });
}

/** Parts of these instruments entered the song's mix: it no longer looks for them. */
export async function clearLookingFor(db: Db, postId: number, instrumentIds: number[]): Promise<number> {
  if (instrumentIds.length === 0) return 0;
  return db('post_looking_for').where({ post_id: postId }).whereIn('instrument_id', instrumentIds).delete();
}

export interface LookingForTag {
  slug: string;
  name: string;
}

/** The instruments of these songs' looking-for lists; the EXPLAIN test reads it. */
export function lookingForOfQuery(db: Db, postIds: number[]) {
  return db('post_looking_for as lf')
    .join('instruments as i', 'i.id', 'lf.instrument_id')
    .select('lf.post_id', 'i.slug', 'i.name')
    .whereIn('lf.post_id', postIds)
    .orderBy(['lf.post_id', 'i.position']);
}

/** The instruments each of these songs is looking for, in the list's order: one query for a page of cards. */
export async function lookingForOf(db: Db, postIds: number[]): Promise<Map<number, LookingForTag[]>> {
  const byPost = new Map<number, LookingForTag[]>();
  if (postIds.length === 0) return byPost;
  const rows: Array<{ post_id: number; slug: string; name: string }> = await lookingForOfQuery(db, postIds);
  for (const r of rows) byPost.set(r.post_id, [...(byPost.get(r.post_id) ?? []), { slug: r.slug, name: r.name }]);
  return byPost;
}

/**
 * One page of songs looking for any of `instrumentIds`, newest song first, keyset on the
 * song's (created_at, id). One branch per instrument, each an ordered scan of
 * post_looking_for_instrument_newest_idx that stops after `limit` rows; a song in the first
 * `limit` overall is in the first `limit` of each of its instruments, so merging the branches
 * and dropping a song's second row (same key) gives the exact page. The EXPLAIN test reads it.
 */
export function lookingForPageQuery(db: Db, instrumentIds: number[], filter: LookingForFilter, { before, limit }: { before?: Cursor | undefined; limit: number }) {
  const branch = (instrumentId: number) => {
    const q = db('post_looking_for as lf')
      .join('posts as p', 'p.id', 'lf.post_id')
      .select('lf.post_id', 'lf.post_created_at')
      .where('lf.instrument_id', instrumentId)
      .orderBy([{ column: 'lf.post_created_at', order: 'desc' }, { column: 'lf.post_id', order: 'desc' }])
      .limit(limit);
    if (before) q.whereRaw('(lf.post_created_at, lf.post_id) < (?, ?)', [before.createdAt, before.id]);
    if (filter.genreId !== undefined) q.where('p.genre_id', filter.genreId);
    if (filter.bpmMin !== undefined) q.where('p.bpm', '>=', filter.bpmMin);
    if (filter.bpmMax !== undefined) q.where('p.bpm', '<=', filter.bpmMax);
    if (filter.key !== undefined) q.where('p.key', filter.key);
    if (filter.notByAuthorId !== undefined) q.whereNot('p.author_id', filter.notByAuthorId);
    return q;
  };
  // No instrument to look for: a branch that finds nothing keeps the SQL valid.
  const branches = (instrumentIds.length ? instrumentIds : [-1]).map(branch);
  return db
    .select('x.post_id', 'x.post_created_at')
    .from(db.queryBuilder().unionAll(branches, true).as('x'))
    .groupBy('x.post_id', 'x.post_created_at')
    .orderBy([{ column: 'x.post_created_at', order: 'desc' }, { column: 'x.post_id', order: 'desc' }])
    .limit(limit);
}

/** The page's songs, with `created_at`/`id` as its keyset (pass to web/pagination's page()). */
export async function listLookingFor(db: Db, instrumentIds: number[], filter: LookingForFilter, options: { before?: Cursor | undefined; limit: number }): Promise<PostSummary[]> {
  const rows: Array<{ post_id: number }> = await lookingForPageQuery(db, instrumentIds, filter, options);
  return listPostSummariesByIds(
    db,
    rows.map((r) => r.post_id),
  );
}
