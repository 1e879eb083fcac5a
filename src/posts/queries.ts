import type { Db } from '../db/knex.js';
import type { Cursor } from '../web/pagination.js';

export interface PostRow {
  id: number;
  author_id: number;
  title: string;
  description: string;
  genre_id: number;
  instrument_id: number;
  bpm: number | null;
  key: string | null;
  author_track_id: string;
  master_track_id: string | null;
  current_mix_version_id: number | null;
  /** What the worker heard in the author track (null until it ran, or when it heard none). */
  bpm_detected: number | null;
  key_detected: string | null;
  /** Whether bpm/key were typed by the author or filled from the detection. */
  bpm_source: 'author' | 'detected' | null;
  key_source: 'author' | 'detected' | null;
  /** The song's cover art (images/song-cover/<id>/), or null for a generated one. */
  cover_picture_id: string | null;
  likes_count: number;
  contributions_count: number;
  plays_count: number;
  created_at: Date;
}

/** A post with the names a page or list shows beside it. */
export interface PostSummary extends PostRow {
  author_nickname: string;
  author_avatar_picture_id: string | null;
  genre_slug: string;
  genre_name: string;
  instrument_slug: string;
  instrument_name: string;
  /** The track a listener hears: the master when there is one, else the author track. */
  play_track_id: string;
  /** The played track's waveform peaks, once the worker wrote them. */
  play_peaks_key: string | null;
  duration_ms: number | null;
}

export type NewPost = Pick<PostRow, 'author_id' | 'title' | 'description' | 'genre_id' | 'instrument_id' | 'bpm' | 'key' | 'author_track_id' | 'cover_picture_id'>;

const postColumns = [
  'id',
  'author_id',
  'title',
  'description',
  'genre_id',
  'instrument_id',
  'bpm',
  'key',
  'author_track_id',
  'master_track_id',
  'current_mix_version_id',
  'bpm_detected',
  'key_detected',
  'bpm_source',
  'key_source',
  'cover_picture_id',
  'likes_count',
  'contributions_count',
  'plays_count',
  'created_at',
] as const satisfies ReadonlyArray<keyof PostRow>;

/** Where typed values come from: a value the author typed is theirs, a blank one waits for detection. */
const sources = (p: Pick<PostRow, 'bpm' | 'key'>): Pick<PostRow, 'bpm_source' | 'key_source'> => ({ bpm_source: p.bpm !== null ? 'author' : null, key_source: p.key !== null ? 'author' : null });

export async function insertPost(db: Db, post: NewPost): Promise<PostRow> {
  const [row] = await db<PostRow>('posts').insert({ ...post, ...sources(post) }).returning(postColumns);
  if (!row) throw new Error('insert into posts returned no row');
  return row;
}

export async function findPostByAuthorTrackId(db: Db, trackId: string): Promise<PostSummary | undefined> {
  return summaries(db).where('p.author_track_id', trackId).first();
}

/**
 * What the worker heard: stored as detected, and copied into bpm/key where the author left
 * them blank (or where they came from an earlier detection), never over what they typed.
 */
export async function recordDetectedTempoAndKey(db: Db, postId: number, detected: { bpm: number | null; key: string | null }): Promise<void> {
  await db('posts')
    .where({ id: postId })
    .update({
      bpm_detected: detected.bpm,
      key_detected: detected.key,
      bpm: db.raw(`case when bpm_source = 'author' then bpm else ? end`, [detected.bpm === null ? null : Math.round(detected.bpm)]),
      bpm_source: db.raw(`case when bpm_source = 'author' then 'author' when ?::int is null then null else 'detected' end`, [detected.bpm === null ? null : 1]),
      key: db.raw(`case when key_source = 'author' then key else ? end`, [detected.key]),
      key_source: db.raw(`case when key_source = 'author' then 'author' when ?::text is null then null else 'detected' end`, [detected.key]),
      updated_at: db.fn.now(),
    });
}

/** The author's edit of the song's details. A blank BPM or key goes back to what was detected. */
export async function updatePostDetails(db: Db, postId: number, details: Pick<PostRow, 'title' | 'description' | 'genre_id' | 'instrument_id' | 'bpm' | 'key'>): Promise<void> {
  await db('posts')
    .where({ id: postId })
    .update({
      title: details.title,
      description: details.description,
      genre_id: details.genre_id,
      instrument_id: details.instrument_id,
      bpm: details.bpm ?? db.raw('round(bpm_detected)::int'),
      bpm_source: details.bpm !== null ? 'author' : db.raw(`case when bpm_detected is null then null else 'detected' end`),
      key: details.key ?? db.raw('key_detected'),
      key_source: details.key !== null ? 'author' : db.raw(`case when key_detected is null then null else 'detected' end`),
      updated_at: db.fn.now(),
    });
}

/** No master any more (its version was retired): listeners hear the author track until the next one is ready. */
export async function clearCurrentMaster(db: Db, postId: number): Promise<void> {
  await db('posts').where({ id: postId }).update({ current_mix_version_id: null, master_track_id: null, updated_at: db.fn.now() });
}

/** Sets (or clears) the song's cover art and returns the picture it replaced, in one statement. */
export async function swapPostCover(db: Db, postId: number, pictureId: string | null): Promise<string | null> {
  // The subquery locks the row and reads the value from before this update.
  const { rows } = await db.raw<{ rows: Array<{ old: string | null }> }>(
    `update posts p set cover_picture_id = ?, updated_at = now()
       from (select id, cover_picture_id from posts where id = ? for update) old
      where p.id = old.id
  returning old.cover_picture_id as old`,
    [pictureId, postId],
  );
  return rows[0]?.old ?? null;
}

/** Removes the song's row; its contributions and mix versions go with it (on delete cascade). */
export async function deletePostRow(db: Db, postId: number): Promise<void> {
  await db('posts').where({ id: postId }).delete();
}

function summaries(db: Db) {
  return db('posts as p')
    .join('users as u', 'u.id', 'p.author_id')
    .join('genres as g', 'g.id', 'p.genre_id')
    .join('instruments as i', 'i.id', 'p.instrument_id')
    .join('tracks as t', 't.id', db.raw('coalesce(p.master_track_id, p.author_track_id)'))
    .select([
      ...postColumns.map((c) => `p.${c}`),
      'u.nickname as author_nickname',
      'u.avatar_picture_id as author_avatar_picture_id',
      'g.slug as genre_slug',
      'g.name as genre_name',
      'i.slug as instrument_slug',
      'i.name as instrument_name',
      't.id as play_track_id',
      't.peaks_key as play_peaks_key',
      't.duration_ms',
    ]);
}

export async function findPostById(db: Db, id: number): Promise<PostSummary | undefined> {
  const row: PostSummary | undefined = await summaries(db).where('p.id', id).first();
  return row;
}

export interface PostFilter {
  authorId?: number;
  genreId?: number;
  instrumentId?: number;
}

/** The SQL of one page of newest posts; the EXPLAIN test reads it too (src/db/explain.test.ts). */
export function newestPostsQuery(db: Db, { before, limit, authorId, genreId, instrumentId }: { before?: Cursor | undefined; limit: number } & PostFilter) {
  const q = summaries(db).orderBy([{ column: 'p.created_at', order: 'desc' }, { column: 'p.id', order: 'desc' }]).limit(limit);
  if (authorId !== undefined) q.where('p.author_id', authorId);
  if (genreId !== undefined) q.where('p.genre_id', genreId);
  if (instrumentId !== undefined) q.where('p.instrument_id', instrumentId);
  if (before) q.whereRaw('(p.created_at, p.id) < (?, ?)', [before.createdAt, before.id]);
  return q;
}

export async function listNewestPosts(db: Db, options: { before?: Cursor | undefined; limit: number } & PostFilter): Promise<PostSummary[]> {
  const rows: PostSummary[] = await newestPostsQuery(db, options);
  return rows;
}

// Every write to a posts row is below: other parts call these to move a counter or the master.

/** Locks the post row for the rest of the transaction (two saves of one mix take turns). */
export async function lockPost(trx: Db, id: number): Promise<Pick<PostRow, 'id' | 'current_mix_version_id'> | undefined> {
  const row: Pick<PostRow, 'id' | 'current_mix_version_id'> | undefined = await trx('posts').select('id', 'current_mix_version_id').where({ id }).forUpdate().first();
  return row;
}

/** A part was added (+1) or taken down (−1). */
export async function moveContributionsCount(db: Db, id: number, by: 1 | -1): Promise<void> {
  await db('posts').where({ id }).increment('contributions_count', by);
}

/** Makes a rendered mix version the one listeners hear: its master becomes the post's. */
export async function setCurrentMaster(trx: Db, id: number, version: { id: number; master_track_id: string }): Promise<void> {
  await trx('posts').where({ id }).update({ current_mix_version_id: version.id, master_track_id: version.master_track_id, updated_at: trx.fn.now() });
}

/** Every song a musician posted, for deleting their account. */
export async function listPostIdsByAuthor(db: Db, authorId: number): Promise<number[]> {
  return db('posts').where({ author_id: authorId }).orderBy('id').pluck('id');
}

/** The songs a musician liked, newest like first; keyset on (liked_at, id). The EXPLAIN test reads it. */
export function likedPostsQuery(db: Db, userId: number, { before, limit }: { before?: Cursor | undefined; limit: number }) {
  const q = summaries(db)
    .join('post_likes as l', 'l.post_id', 'p.id')
    .select('l.created_at as liked_at')
    .where('l.user_id', userId)
    .orderBy([{ column: 'l.created_at', order: 'desc' }, { column: 'l.post_id', order: 'desc' }])
    .limit(limit);
  if (before) q.whereRaw('(l.created_at, l.post_id) < (?, ?)', [before.createdAt, before.id]);
  return q;
}

export async function listLikedPosts(db: Db, userId: number, options: { before?: Cursor | undefined; limit: number }): Promise<Array<PostSummary & { liked_at: Date }>> {
  const rows: Array<PostSummary & { liked_at: Date }> = await likedPostsQuery(db, userId, options);
  return rows;
}

/**
 * One more play of the song whose author track or current master this is (src/contributions/plays.ts),
 * also counted in the song's plays of this clock hour, which trending reads for the last 7 days.
 */
export async function movePlaysCountOfTrack(trx: Db, trackId: string): Promise<void> {
  await trx.raw(
    `with played as (update posts set plays_count = plays_count + 1 where author_track_id = ? or master_track_id = ? returning id)
     insert into post_play_hours (post_id, hour, plays) select id, date_trunc('hour', now()), 1 from played
     on conflict (post_id, hour) do update set plays = post_play_hours.plays + 1`,
    [trackId, trackId],
  );
}

/** The posts with these ids, in the order given (a search's ranking); missing ids are skipped. */
export async function listPostSummariesByIds(db: Db, ids: number[]): Promise<PostSummary[]> {
  if (ids.length === 0) return [];
  const rows: PostSummary[] = await summaries(db).whereIn('p.id', ids);
  const byId = new Map(rows.map((r) => [Number(r.id), r]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}
