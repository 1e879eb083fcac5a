import type { Knex } from 'knex';

// Foreign keys to tracks: deleting a track checks posts.author_track_id and master_track_id;
// without indexes each check scans every post.
//
// Plain CREATE INDEX inside the migration's transaction: the table is small today. On a big
// production table this must become CREATE INDEX CONCURRENTLY in a migration that runs
// outside a transaction (it locks writes to the table while it builds otherwise).
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create index if not exists posts_author_track_idx on posts (author_track_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists posts_author_track_idx');
}
