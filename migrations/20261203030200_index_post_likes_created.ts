import type { Knex } from 'knex';

// The trending refresh reads only the last 7 days of likes (src/feed/trending.ts).
//
// Plain CREATE INDEX inside the migration's transaction, as for the other indexes: the table is
// small today; on a big production table this must become CREATE INDEX CONCURRENTLY.
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create index if not exists post_likes_created_idx on post_likes (created_at)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists post_likes_created_idx');
}
