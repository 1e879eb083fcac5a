import type { Knex } from 'knex';

// The instrument page, like the genre page: newest posts started on one instrument.
//
// Plain CREATE INDEX inside the migration's transaction: the table is small today. On a big
// production table this must become CREATE INDEX CONCURRENTLY in a migration that runs
// outside a transaction (it locks writes to the table while it builds otherwise).
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create index if not exists posts_instrument_newest_idx on posts (instrument_id, created_at desc, id desc)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists posts_instrument_newest_idx');
}
