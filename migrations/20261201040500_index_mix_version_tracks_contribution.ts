import type { Knex } from 'knex';

// contribution_id is a foreign key with ON DELETE SET NULL: deleting a part looks up the
// recipe rows that name it, which without an index scans the whole recipe table.
//
// Plain CREATE INDEX inside the migration's transaction: the table is small today. On a big
// production table this must become CREATE INDEX CONCURRENTLY in a migration that runs
// outside a transaction (it locks writes to the table while it builds otherwise).
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create index if not exists mix_version_tracks_contribution_idx on mix_version_tracks (contribution_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists mix_version_tracks_contribution_idx');
}
