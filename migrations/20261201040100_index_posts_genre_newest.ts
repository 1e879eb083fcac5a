import type { Knex } from 'knex';

// A genre page is the newest posts of one genre, a keyset page at a time. With only the
// global (created_at, id) index a rare genre walks that index and filters hundreds of rows per page.
//
// Plain CREATE INDEX inside the migration's transaction: the table is small today. On a big
// production table this must become CREATE INDEX CONCURRENTLY in a migration that runs
// outside a transaction (it locks writes to the table while it builds otherwise).
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create index if not exists posts_genre_newest_idx on posts (genre_id, created_at desc, id desc)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists posts_genre_newest_idx');
}
