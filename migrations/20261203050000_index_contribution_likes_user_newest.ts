import type { Knex } from 'knex';

// The profile's "liked parts" list, newest like first, keyset on (created_at, contribution_id),
// as post_likes_user_newest_idx serves liked songs.
//
// Plain CREATE INDEX inside the migration's transaction: the table is new and small. On a big
// production table this must become CREATE INDEX CONCURRENTLY (README, Migrations).
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create index if not exists contribution_likes_user_newest_idx on contribution_likes (user_id, created_at desc, contribution_id desc)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists contribution_likes_user_newest_idx');
}
