import type { Knex } from 'knex';

export interface ConcurrentIndex {
  /** The index's name; it is how a second run finds what the first one left. */
  name: string;
  table: string;
  /** Column names, or expressions written as SQL (`lower(nickname)`). */
  columns: string[];
  unique?: boolean;
  /** A partial index's predicate, as SQL. */
  where?: string;
}

/**
 * CREATE INDEX CONCURRENTLY, for a migration with `config = { transaction: false }`: the table
 * keeps taking writes while the index builds. Safe to run again: a build cut off half-way (a
 * killed migrator, a failed unique check) leaves an INVALID index behind, which is dropped and
 * built again; a valid one is kept (the run finished but was not recorded).
 */
export async function createIndexConcurrently(knex: Knex, index: ConcurrentIndex): Promise<void> {
  const { rows } = await knex.raw<{ rows: Array<{ valid: boolean }> }>(
    `select i.indisvalid as valid from pg_index i join pg_class c on c.oid = i.indexrelid
      where c.relname = ? and c.relnamespace = current_schema()::regnamespace`,
    [index.name],
  );
  if (rows[0]?.valid) return;
  if (rows[0]) await knex.raw('drop index concurrently if exists ??', [index.name]);
  const columns = index.columns.map((c) => (/^[a-z_][a-z0-9_]*$/.test(c) ? knex.raw('??', [c]).toQuery() : c)).join(', ');
  await knex.raw(
    `create ${index.unique ? 'unique ' : ''}index concurrently ?? on ?? (${columns})${index.where ? ` where ${index.where}` : ''}`,
    [index.name, index.table],
  );
}

/** The `down` of such a migration. */
export async function dropIndexConcurrently(knex: Knex, name: string): Promise<void> {
  await knex.raw('drop index concurrently if exists ??', [name]);
}
