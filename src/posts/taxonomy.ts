import type { Db } from '../db/knex.js';

export interface TaxonomyRow {
  id: number;
  slug: string;
  name: string;
}

export const listGenres = (db: Db): Promise<TaxonomyRow[]> => db('genres').select('id', 'slug', 'name').orderBy('position');
export const listInstruments = (db: Db): Promise<TaxonomyRow[]> => db('instruments').select('id', 'slug', 'name').orderBy('position');
export const findGenreBySlug = (db: Db, slug: string): Promise<TaxonomyRow | undefined> => db('genres').select('id', 'slug', 'name').where({ slug }).first();
export const findInstrumentBySlug = (db: Db, slug: string): Promise<TaxonomyRow | undefined> =>
  db('instruments').select('id', 'slug', 'name').where({ slug }).first();
