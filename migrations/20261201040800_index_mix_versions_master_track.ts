import type { Knex } from 'knex';

// Foreign key to tracks with ON DELETE SET NULL: deleting a track looks up versions naming it.
//
// Plain CREATE INDEX inside the migration's transaction: the table is small today. On a big
// production table this must become CREATE INDEX CONCURRENTLY in a migration that runs
// outside a transaction (it locks writes to the table while it builds otherwise).
export async function up(knex: Knex): Promise<void> {
  await knex.raw("create index if not exists mix_versions_master_track_idx on mix_versions (master_track_id) where master_track_id is not null");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists mix_versions_master_track_idx');
}
