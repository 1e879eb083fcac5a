import type { Knex } from 'knex';

// The start of a nickname, in any script (LIKE 'x%'): text_pattern_ops compares bytes, so the
// index serves LIKE under every collation (RDS's en_US.UTF-8 as well as the embedded C).
//
// Plain CREATE INDEX inside the migration's transaction, as for posts_genre_newest_idx: the table
// is small today. On a big production table this must become CREATE INDEX CONCURRENTLY outside a
// transaction (it locks writes to the table while it builds otherwise).
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create index if not exists users_nickname_prefix_idx on users (lower(nickname) text_pattern_ops)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists users_nickname_prefix_idx');
}
