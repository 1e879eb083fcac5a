import type { Db } from '../db/knex.js';

export interface TaxonomyRow {
  id: number;
  slug: string;
  name: string;
}

/**
 * The genres and instruments, read once per database handle and then held in memory: only
 * migrations change them (a new one reaches a process at its next start, as a deploy
 * restarts them all), and nearly every page looked them up, one query each time.
 */
const taxonomies = new WeakMap<Db, Promise<{ genres: TaxonomyRow[]; instruments: TaxonomyRow[] }>>();

function taxonomy(db: Db) {
  let loaded = taxonomies.get(db);
  if (!loaded) {
    loaded = Promise.all([db('genres').select('id', 'slug', 'name').orderBy('position'), db('instruments').select('id', 'slug', 'name').orderBy('position')]).then(
      ([genres, instruments]: TaxonomyRow[][]) => ({ genres: genres!.map((g) => Object.freeze(g)), instruments: instruments!.map((i) => Object.freeze(i)) }),
    );
    // A failed read (database down) is tried again by the next request, not remembered.
    loaded.catch(() => taxonomies.delete(db));
    taxonomies.set(db, loaded);
  }
  return loaded;
}

export const listGenres = async (db: Db): Promise<TaxonomyRow[]> => [...(await taxonomy(db)).genres];
export const listInstruments = async (db: Db): Promise<TaxonomyRow[]> => [...(await taxonomy(db)).instruments];
export const findGenreBySlug = async (db: Db, slug: string): Promise<TaxonomyRow | undefined> => (await taxonomy(db)).genres.find((g) => g.slug === slug);
export const findInstrumentBySlug = async (db: Db, slug: string): Promise<TaxonomyRow | undefined> => (await taxonomy(db)).instruments.find((i) => i.slug === slug);

/** The instruments with these slugs; any slug not on the list is left out (the caller compares lengths). */
export const findInstrumentsBySlugs = async (db: Db, slugs: string[]): Promise<TaxonomyRow[]> => (await taxonomy(db)).instruments.filter((i) => slugs.includes(i.slug));

/** The ids of the instruments a form says the song looks for: undefined when it did not say, null when one is not on the list. */
export async function lookingForIds(db: Db, slugs: string[] | undefined): Promise<number[] | null | undefined> {
  if (slugs === undefined) return undefined;
  const unique = [...new Set(slugs)];
  const found = await findInstrumentsBySlugs(db, unique);
  return found.length === unique.length ? found.map((i) => i.id) : null;
}

/** The slugs a form sent back for a checkbox list (one value or several), to tick them again. */
export const ticked = (value: unknown): string[] => (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string' && v !== '');

export interface TaxonomyCount extends TaxonomyRow {
  songs: number;
}

/**
 * Every genre with how many songs it has: one count per genre, each an index-only count over
 * posts_genre_newest_idx, so the page is one query of a bounded number of index reads per genre.
 */
export function genresWithCountsQuery(db: Db) {
  return db('genres as g')
    .select('g.id', 'g.slug', 'g.name', db.raw('(select count(*) from posts p where p.genre_id = g.id)::int as songs'))
    .orderBy('g.position');
}

/** Every instrument with how many songs were started on it (the author track's instrument, as /instruments/:slug lists). */
export function instrumentsWithCountsQuery(db: Db) {
  return db('instruments as i')
    .select('i.id', 'i.slug', 'i.name', db.raw('(select count(*) from posts p where p.instrument_id = i.id)::int as songs'))
    .orderBy('i.position');
}

export const listGenresWithCounts = async (db: Db): Promise<TaxonomyCount[]> => genresWithCountsQuery(db);
export const listInstrumentsWithCounts = async (db: Db): Promise<TaxonomyCount[]> => instrumentsWithCountsQuery(db);
