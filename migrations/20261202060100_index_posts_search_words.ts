import type { Knex } from 'knex';

// /search matches the words of a song's title and description (src/search/queries.ts builds the
// same expression). The 'simple' configuration lower-cases and splits on spaces and punctuation
// in any locale, so Korean words ("서울의", "노래") are tokens as English ones are, and a prefix
// query ("서울:*") finds "서울의".
//
// Plain CREATE INDEX inside the migration's transaction, as for posts_genre_newest_idx: the table
// is small today. On a big production table this must become CREATE INDEX CONCURRENTLY outside a
// transaction (it locks writes to the table while it builds otherwise).
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create index if not exists posts_search_words_idx on posts using gin (to_tsvector('simple'::regconfig, title || ' ' || description))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists posts_search_words_idx');
}
