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
  likes_count: number;
  contributions_count: number;
  plays_count: number;
  created_at: Date;
}

/** A post with the names a page or list shows beside it. */
export interface PostSummary extends PostRow {
  author_nickname: string;
  genre_slug: string;
  genre_name: string;
  instrument_slug: string;
  instrument_name: string;
  /** The track a listener hears: the master when there is one, else the author track. */
  play_track_id: string;
  duration_ms: number | null;
}

export type NewPost = Pick<PostRow, 'author_id' | 'title' | 'description' | 'genre_id' | 'instrument_id' | 'bpm' | 'key' | 'author_track_id'>;

export async function insertPost(db: Db, post: NewPost): Promise<PostRow> {
  const [row] = await db('posts').insert(post).returning('*');
  return row as PostRow;
}

function summaries(db: Db) {
  return db('posts as p')
    .join('users as u', 'u.id', 'p.author_id')
    .join('genres as g', 'g.id', 'p.genre_id')
    .join('instruments as i', 'i.id', 'p.instrument_id')
    .join('tracks as t', 't.id', db.raw('coalesce(p.master_track_id, p.author_track_id)'))
    .select(
      'p.*',
      'u.nickname as author_nickname',
      'g.slug as genre_slug',
      'g.name as genre_name',
      'i.slug as instrument_slug',
      'i.name as instrument_name',
      't.id as play_track_id',
      't.duration_ms',
    );
}

export async function findPostById(db: Db, id: number): Promise<PostSummary | undefined> {
  return summaries(db).where('p.id', id).first();
}

export interface PostFilter {
  authorId?: number;
  genreId?: number;
  instrumentId?: number;
}

export async function listNewestPosts(db: Db, { before, limit, authorId, genreId, instrumentId }: { before?: Cursor | undefined; limit: number } & PostFilter): Promise<PostSummary[]> {
  const q = summaries(db).orderBy([{ column: 'p.created_at', order: 'desc' }, { column: 'p.id', order: 'desc' }]).limit(limit);
  if (authorId !== undefined) q.where('p.author_id', authorId);
  if (genreId !== undefined) q.where('p.genre_id', genreId);
  if (instrumentId !== undefined) q.where('p.instrument_id', instrumentId);
  if (before) q.whereRaw('(p.created_at, p.id) < (?, ?)', [before.createdAt, before.id]);
  return q;
}
