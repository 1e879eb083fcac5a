import type { Knex } from 'knex';

// Misspelt nicknames. GiST, not GIN: it hands out the closest first (ORDER BY nickname <-> ?),
// so "the 20 nearest nicknames" reads about 20 entries, not every match.
//
// Plain CREATE INDEX inside the migration's transaction, as for posts_genre_newest_idx: the table
// is small today. On a big production table this must become CREATE INDEX CONCURRENTLY outside a
// transaction (it locks writes to the table while it builds otherwise).
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create index if not exists users_nickname_trgm_idx on users using gist (nickname gist_trgm_ops)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists users_nickname_trgm_idx');
}
