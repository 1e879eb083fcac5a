import type { Knex } from 'knex';

// "Log out everywhere", a password change and account deletion end every session of one user:
// connect-pg-simple keeps the user id inside the JSON (passport.user), so without this index each
// of those reads the whole table.
//
// Plain CREATE INDEX inside the migration's transaction, as for tracks_owner_idx: sessions rows
// are small. On a very large table this becomes CREATE INDEX CONCURRENTLY outside a transaction.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create index if not exists sessions_user_idx on sessions ((sess->'passport'->>'user'))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists sessions_user_idx');
}
