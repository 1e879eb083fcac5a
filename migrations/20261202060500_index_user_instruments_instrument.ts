import type { Knex } from 'knex';

// Musicians who play an instrument (search by instrument): the primary key starts with user_id.
//
// Plain CREATE INDEX inside the migration's transaction, as for posts_genre_newest_idx: the table
// is small today. On a big production table this must become CREATE INDEX CONCURRENTLY outside a
// transaction (it locks writes to the table while it builds otherwise).
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create index if not exists user_instruments_instrument_idx on user_instruments (instrument_id, user_id)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists user_instruments_instrument_idx');
}
