import type { Db } from '../db/knex.js';

/** One thing in the Following feed: a song someone you follow posted, or a part they added. */
export interface FollowingItem {
  kind: 'song' | 'part';
  /** The post's id for a song, the contribution's for a part. */
  id: number;
  post_id: number;
  created_at: Date;
  /** Who played the part, and on what (null for a song: its card says). */
  musician: string | null;
  instrument: string | null;
  /** The part's instrument slug, to name it in the reader's language. */
  instrument_slug: string | null;
}

/** Keyset on (created_at, kind, id), newest first; a song before a part of the same millisecond. */
export interface FollowingCursor {
  createdAt: Date;
  kind: 'song' | 'part';
  id: number;
}

export function encodeFollowingCursor(item: Pick<FollowingItem, 'created_at' | 'kind' | 'id'>): string {
  return `${item.created_at.getTime()}_${item.kind === 'song' ? 's' : 'p'}${item.id}`;
}

export function decodeFollowingCursor(value: unknown): FollowingCursor | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{1,15})_([sp])(\d{1,18})$/.exec(value);
  return m ? { createdAt: new Date(Number(m[1])), kind: m[2] === 's' ? 'song' : 'part', id: Number(m[3]) } : undefined;
}

/**
 * What comes after the cursor in one branch: the same kind compares (created_at, id); a part
 * (sorted after a song of the same moment) may share the cursor's moment after a song, a song
 * may not after a part.
 */
function afterCursor(kind: 'song' | 'part', table: string, before: FollowingCursor): { sql: string; bindings: Array<Date | number> } {
  if (kind === before.kind) return { sql: `(${table}.created_at, ${table}.id) < (?, ?)`, bindings: [before.createdAt, before.id] };
  return { sql: `${table}.created_at ${kind === 'part' ? '<=' : '<'} ?`, bindings: [before.createdAt] };
}

/**
 * A page of the Following feed of `userId`: new songs and new parts by the musicians they
 * follow, newest first. Each branch walks the followed musicians' rows through
 * posts_author_newest_idx and contributions (contributor_id, created_at), keeps its newest
 * `limit`, and the page is the newest `limit` of both. The EXPLAIN test reads it.
 */
export function followingFeedQuery(db: Db, userId: number, { before, limit }: { before?: FollowingCursor | undefined; limit: number }) {
  const songs = db('posts as p')
    .join('follows as f', 'f.followed_id', 'p.author_id')
    .select(db.raw(`'song' as kind`), 'p.id', 'p.id as post_id', 'p.created_at', db.raw('null::text as musician'), db.raw('null::text as instrument'), db.raw('null::text as instrument_slug'))
    .where('f.follower_id', userId)
    .orderBy([{ column: 'p.created_at', order: 'desc' }, { column: 'p.id', order: 'desc' }])
    .limit(limit);
  const parts = db('contributions as c')
    .join('follows as f', 'f.followed_id', 'c.contributor_id')
    .join('users as u', 'u.id', 'c.contributor_id')
    .join('instruments as i', 'i.id', 'c.instrument_id')
    .select(db.raw(`'part' as kind`), 'c.id', 'c.post_id', 'c.created_at', 'u.nickname as musician', 'i.name as instrument', 'i.slug as instrument_slug')
    .where('f.follower_id', userId)
    .orderBy([{ column: 'c.created_at', order: 'desc' }, { column: 'c.id', order: 'desc' }])
    .limit(limit);
  if (before) {
    const song = afterCursor('song', 'p', before);
    const part = afterCursor('part', 'c', before);
    songs.whereRaw(song.sql, song.bindings);
    parts.whereRaw(part.sql, part.bindings);
  }
  return db
    .select('x.kind', 'x.id', 'x.post_id', 'x.created_at', 'x.musician', 'x.instrument', 'x.instrument_slug')
    .from(db.queryBuilder().unionAll([songs, parts], true).as('x'))
    .orderBy([{ column: 'x.created_at', order: 'desc' }, { column: 'x.kind', order: 'desc' }, { column: 'x.id', order: 'desc' }])
    .limit(limit);
}

export async function listFollowingFeed(db: Db, userId: number, options: { before?: FollowingCursor | undefined; limit: number }): Promise<FollowingItem[]> {
  const rows: FollowingItem[] = await followingFeedQuery(db, userId, options);
  return rows;
}
