import type { Knex } from 'knex';

// Foreign key to mix_versions with ON DELETE SET NULL: deleting a post's versions (when the
// post goes) looks up the posts naming each one, a scan of every post without this index.
//
// Plain CREATE INDEX inside the migration's transaction: the table is small today. On a big
// production table this must become CREATE INDEX CONCURRENTLY in a migration that runs
// outside a transaction (it locks writes to the table while it builds otherwise).
export async function up(knex: Knex): Promise<void> {
  await knex.raw("create index if not exists posts_current_mix_version_idx on posts (current_mix_version_id) where current_mix_version_id is not null");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists posts_current_mix_version_idx');
}
