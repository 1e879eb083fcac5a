import type { Knex } from 'knex';

// The worker's sweep looks for tracks still processing every JOB_MAINTENANCE_SECONDS; a partial index
// keeps that to the handful of such rows instead of a scan of every track ever uploaded.
//
// Plain CREATE INDEX inside the migration's transaction: the table is small today. On a big
// production table this must become CREATE INDEX CONCURRENTLY in a migration that runs
// outside a transaction (it locks writes to the table while it builds otherwise).
export async function up(knex: Knex): Promise<void> {
  await knex.raw("create index if not exists tracks_processing_idx on tracks (updated_at) where status = 'processing'");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists tracks_processing_idx');
}
