import type { Knex } from 'knex';

// The indexes /search reads (src/search/queries.ts builds the same expressions):
// - words of a song's title and description, with the 'simple' configuration: it lower-cases
//   and splits on spaces and punctuation in any locale, so Korean words ("서울의", "노래") are
//   tokens as English ones are, and a prefix query ("서울:*") finds "서울의";
// - trigrams of titles and nicknames, for misspellings; nicknames in a GiST index, which hands
//   out the closest first ("the 20 nearest nicknames" reads 20 entries, not every match).
//   pg_trgm only makes trigrams of characters the database's locale calls letters: under the
//   C locale (the embedded cluster) Hangul makes none, so Korean is found by the word index
//   above, whatever the locale;
// - nickname prefixes (text_pattern_ops works for LIKE 'x%' under any collation);
// - who plays an instrument, for "musicians who play bass".
//
// Plain CREATE INDEX inside the migration's transaction: the tables are small today. On a big
// production table this must become CREATE INDEX CONCURRENTLY outside a transaction.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create index if not exists posts_search_words_idx on posts using gin (to_tsvector('simple'::regconfig, title || ' ' || description))`);
  await knex.raw('create index if not exists posts_title_trgm_idx on posts using gin (title gin_trgm_ops)');
  await knex.raw('create index if not exists users_nickname_trgm_idx on users using gist (nickname gist_trgm_ops)');
  await knex.raw('create index if not exists users_nickname_prefix_idx on users (lower(nickname) text_pattern_ops)');
  await knex.raw('create index if not exists user_instruments_instrument_idx on user_instruments (instrument_id, user_id)');
}

export async function down(knex: Knex): Promise<void> {
  for (const name of ['user_instruments_instrument_idx', 'users_nickname_prefix_idx', 'users_nickname_trgm_idx', 'posts_title_trgm_idx', 'posts_search_words_idx']) {
    await knex.raw('drop index if exists ??', [name]);
  }
}
