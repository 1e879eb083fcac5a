import type { Knex } from 'knex';

// See posts_author_track_idx: the master's foreign key (most posts have none, hence partial).
//
// Plain CREATE INDEX inside the migration's transaction: the table is small today. On a big
// production table this must become CREATE INDEX CONCURRENTLY in a migration that runs
// outside a transaction (it locks writes to the table while it builds otherwise).
export async function up(knex: Knex): Promise<void> {
  await knex.raw("create index if not exists posts_master_track_idx on posts (master_track_id) where master_track_id is not null");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists posts_master_track_idx');
}
