import type { Knex } from 'knex';

// Misspelt titles ("guitr" finds "guitar"): trigram similarity. pg_trgm makes trigrams only of
// characters the database's locale calls letters; under the C locale (the embedded cluster)
// Hangul makes none, so Korean is found by posts_search_words_idx, whatever the locale.
//
// Plain CREATE INDEX inside the migration's transaction, as for posts_genre_newest_idx: the table
// is small today. On a big production table this must become CREATE INDEX CONCURRENTLY outside a
// transaction (it locks writes to the table while it builds otherwise).
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create index if not exists posts_title_trgm_idx on posts using gin (title gin_trgm_ops)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists posts_title_trgm_idx');
}
