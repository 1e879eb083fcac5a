import type { Knex } from 'knex';
import type { Db } from '../db/knex.js';

/**
 * What a search asks for, parsed (schemas.ts). `words` is the text as typed (trimmed);
 * `prefixQuery` the same words as a tsquery of prefixes (`서울:* & 밤:*`), null without words.
 */
export interface SongSearch {
  words: string;
  prefixQuery: string | null;
  genreId?: number | undefined;
  instrumentId?: number | undefined;
  bpmMin?: number | undefined;
  bpmMax?: number | undefined;
  key?: string | undefined;
}

/**
 * Results are ranked by relevance, which no index can hand out in order, so pages are a bounded
 * offset, not a keyset: each way of matching (words, misspelt title, author, genre or instrument)
 * brings at most MAX_RESULTS + 1 candidates, so a page costs the same on 100 or 100 000 songs,
 * and at most MAX_RESULTS results are reachable (a search that broad wants more words).
 */
export const MAX_RESULTS = 200;
const CANDIDATES = MAX_RESULTS + 1;

// The same expression as posts_search_words_idx (migrations/20261202060100_index_posts_search_words.ts).
const WORDS = `to_tsvector('simple'::regconfig, p.title || ' ' || p.description)`;

/** The song filters every way of matching shares. */
function filtered(db: Db, s: SongSearch) {
  const q = db('posts as p');
  if (s.genreId !== undefined) q.where('p.genre_id', s.genreId);
  if (s.instrumentId !== undefined) q.where('p.instrument_id', s.instrumentId);
  if (s.bpmMin !== undefined) q.where('p.bpm', '>=', s.bpmMin);
  if (s.bpmMax !== undefined) q.where('p.bpm', '<=', s.bpmMax);
  if (s.key !== undefined) q.where('p.key', s.key);
  return q;
}

/**
 * Ids of musicians named like the words: the start of a nickname (any script), or a misspelt
 * one (trigrams, when the words make some). Two index reads, unioned: an OR of the two
 * conditions would have PostgreSQL read the whole table.
 */
export function musiciansNamedQuery(db: Db, words: string, limit: number) {
  const branches: Knex.QueryBuilder[] = [db('users').select('id').whereRaw('lower(nickname) like ?', [`${escapeLike(words.toLowerCase())}%`]).limit(limit)];
  if (makesTrigrams(words)) branches.push(db('users').select('id').whereRaw('nickname % ?', [words]).orderByRaw('nickname <-> ?', [words]).limit(limit));
  return db.from(db.raw(`(${branches.map(() => '?').join(' union ')}) as named`, branches)).select('id').limit(limit);
}

export async function findMusiciansNamed(db: Db, words: string, limit: number): Promise<number[]> {
  if (!words) return [];
  const rows: Array<{ id: string | number }> = await musiciansNamedQuery(db, words, limit);
  return rows.map((r) => Number(r.id));
}

/**
 * Whether pg_trgm can match the words by trigrams on any locale: it makes trigrams only of
 * what the database's locale calls letters or digits, and under the C locale (the embedded
 * cluster) Hangul is neither. A trigram search with no trigrams cannot use its index (the
 * table would be read whole), so words without a Latin letter or digit are matched by the
 * word index alone, which splits Korean in every locale.
 */
export const makesTrigrams = (words: string) => /[\p{Script=Latin}\p{Nd}]/u.test(words);

export interface TaxonomyMatch {
  genreIds: number[];
  instrumentIds: number[];
}

/** What the words name besides songs, looked up first (each a small bounded query). */
export interface Named extends TaxonomyMatch {
  /** Musicians whose nickname is like the words: their songs match too. */
  musicianIds: number[];
}

/** Genres and instruments (small seeded lists) whose name is like the words: one query. */
export async function matchTaxonomy(db: Db, words: string): Promise<TaxonomyMatch> {
  if (!words) return { genreIds: [], instrumentIds: [] };
  const like = `${escapeLike(words.toLowerCase())}%`;
  const named = (table: 'genres' | 'instruments') => db(table).select(db.raw('? as kind', [table]), 'id').whereRaw('lower(name) like ?', [like]).orWhereRaw('? <% name', [words]);
  const rows: Array<{ kind: string; id: number }> = await named('genres').unionAll(named('instruments'), true);
  return { genreIds: rows.filter((r) => r.kind === 'genres').map((r) => r.id), instrumentIds: rows.filter((r) => r.kind === 'instruments').map((r) => r.id) };
}

/**
 * The ranked ids of songs matching a search: exact title first, then the sum of how each way
 * matched. The EXPLAIN test (src/db/explain.test.ts) plans this builder.
 */
export function songSearchQuery(db: Db, s: SongSearch, named: Named, { limit, offset }: { limit: number; offset: number }) {
  const newest = [{ column: 'p.created_at', order: 'desc' as const }, { column: 'p.id', order: 'desc' as const }];
  const branches: Knex.QueryBuilder[] = [];
  // The words' own matches, read once: the misspelling branch runs only when they are too few.
  let words: Knex.QueryBuilder | undefined;
  if (!s.words) {
    // Filters alone: the newest songs that pass them.
    branches.push(filtered(db, s).select('p.id', db.raw('0::real as score')).orderBy(newest).limit(CANDIDATES));
  } else {
    if (s.prefixQuery) {
      words = filtered(db, s)
        .select('p.id', db.raw(`1 + ts_rank(${WORDS}, to_tsquery('simple', ?)) as score`, [s.prefixQuery]))
        .whereRaw(`${WORDS} @@ to_tsquery('simple', ?)`, [s.prefixQuery])
        .orderBy('score', 'desc')
        .limit(CANDIDATES);
      branches.push(db.from('words').select('id', 'score'));
    }
    if (makesTrigrams(s.words)) {
      // Misspellings ("guitr"), looked for only when the words themselves find fewer than a
      // full list: a word in most titles would otherwise have every title compared (4.5 s over
      // a million songs), to rank below the exact matches anyway.
      const misspelt = filtered(db, s)
        .select('p.id', db.raw('word_similarity(?, p.title) as score', [s.words]))
        .whereRaw('? <% p.title', [s.words])
        .orderBy('score', 'desc')
        .limit(CANDIDATES);
      if (words) misspelt.whereRaw('(select count(*) from words) < ?', [CANDIDATES]);
      branches.push(misspelt);
    }
    if (named.musicianIds.length) branches.push(filtered(db, s).select('p.id', db.raw('0.8::real as score')).whereIn('p.author_id', named.musicianIds).orderBy(newest).limit(CANDIDATES));
    // A word naming a genre or instrument ("jazz", "guitr") brings that genre's newest songs, ranked low.
    for (const id of named.genreIds) branches.push(filtered(db, s).select('p.id', db.raw('0.3::real as score')).where('p.genre_id', id).orderBy(newest).limit(CANDIDATES));
    for (const id of named.instrumentIds) branches.push(filtered(db, s).select('p.id', db.raw('0.3::real as score')).where('p.instrument_id', id).orderBy(newest).limit(CANDIDATES));
  }
  // Words that are all punctuation ("%") name nothing: an empty page, from a query of the same shape.
  if (branches.length === 0) branches.push(filtered(db, s).select('p.id', db.raw('0::real as score')).whereRaw('false'));
  const candidates = db.raw(`(${branches.map(() => '?').join(' union all ')}) as c`, branches);
  return (words ? db.with('words', words) : db.queryBuilder())
    .from(candidates)
    .join('posts as p', 'p.id', 'c.id')
    .select('c.id', db.raw('(lower(p.title) = lower(?)) as exact', [s.words]), db.raw('sum(c.score) as score'))
    .groupBy('c.id', 'p.title', 'p.created_at')
    .orderBy([{ column: 'exact', order: 'desc' }, { column: 'score', order: 'desc' }, { column: 'p.created_at', order: 'desc' }, { column: 'c.id', order: 'desc' }])
    .limit(limit)
    .offset(offset);
}

export async function searchSongIds(db: Db, s: SongSearch, named: Named, pageOf: { limit: number; offset: number }): Promise<number[]> {
  const rows: Array<{ id: string | number }> = await songSearchQuery(db, s, named, pageOf);
  return rows.map((r) => Number(r.id));
}

export interface MusicianMatch {
  id: number;
  nickname: string;
  bio: string;
  /** The instruments they play, in the seeded list's order. */
  instruments: string[];
}

/** Musicians named like the words or playing an instrument named like them; `instrumentId` keeps only its players. */
export function musicianSearchQuery(db: Db, { words, instrumentId }: { words: string; instrumentId?: number | undefined }, taxonomy: TaxonomyMatch, limit: number) {
  const branches: Knex.QueryBuilder[] = [];
  if (words) {
    branches.push(musiciansNamedQuery(db, words, CANDIDATES));
    if (taxonomy.instrumentIds.length) branches.push(db('user_instruments').select('user_id as id').whereIn('instrument_id', taxonomy.instrumentIds).limit(CANDIDATES));
  } else if (instrumentId !== undefined) {
    branches.push(db('user_instruments').select('user_id as id').where('instrument_id', instrumentId).limit(CANDIDATES));
  } else {
    return null;
  }
  const candidates = db.raw(`(${branches.map(() => '?').join(' union ')}) as c`, branches);
  const q = db
    .from(candidates)
    .join('users as u', 'u.id', 'c.id')
    .select(
      'u.id',
      'u.nickname',
      'u.bio',
      db.raw(`array(select i.name from user_instruments ui join instruments i on i.id = ui.instrument_id where ui.user_id = u.id order by i.position) as instruments`),
    )
    .orderByRaw('lower(u.nickname) = lower(?) desc, similarity(u.nickname, ?) desc, lower(u.nickname)', [words, words])
    .limit(limit);
  if (instrumentId !== undefined) q.whereExists(db('user_instruments as f').select(db.raw('1')).whereRaw('f.user_id = u.id').where('f.instrument_id', instrumentId));
  return q;
}

export async function searchMusicians(db: Db, search: { words: string; instrumentId?: number | undefined }, taxonomy: TaxonomyMatch, limit: number): Promise<MusicianMatch[]> {
  const q = musicianSearchQuery(db, search, taxonomy, limit);
  if (!q) return [];
  const rows: Array<{ id: string | number; nickname: string; bio: string; instruments: string[] }> = await q;
  return rows.map((r) => ({ id: Number(r.id), nickname: r.nickname, bio: r.bio, instruments: r.instruments }));
}

/** LIKE treats % _ and \ as patterns; a typed one means itself. */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);
