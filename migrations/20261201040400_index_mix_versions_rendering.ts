import type { Knex } from 'knex';

// The sweep's other question: mix versions still rendering. Partial, like tracks_processing_idx.
//
// Plain CREATE INDEX inside the migration's transaction: the table is small today. On a big
// production table this must become CREATE INDEX CONCURRENTLY in a migration that runs
// outside a transaction (it locks writes to the table while it builds otherwise).
export async function up(knex: Knex): Promise<void> {
  await knex.raw("create index if not exists mix_versions_rendering_idx on mix_versions (created_at) where status = 'rendering'");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists mix_versions_rendering_idx');
}
