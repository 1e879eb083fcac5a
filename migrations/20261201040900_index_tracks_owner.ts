import type { Knex } from 'knex';

// Foreign key to users with ON DELETE CASCADE: deleting an account finds its tracks by owner.
//
// Plain CREATE INDEX inside the migration's transaction: the table is small today. On a big
// production table this must become CREATE INDEX CONCURRENTLY in a migration that runs
// outside a transaction (it locks writes to the table while it builds otherwise).
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create index if not exists tracks_owner_idx on tracks (owner_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists tracks_owner_idx');
}
