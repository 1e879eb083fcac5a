import type { Knex } from 'knex';

// The post page and the render poll read the recipes of a few versions by mix_version_id;
// without an index every read scans every recipe row of every post.
//
// Plain CREATE INDEX inside the migration's transaction: the table is small today. On a big
// production table this must become CREATE INDEX CONCURRENTLY in a migration that runs
// outside a transaction (it locks writes to the table while it builds otherwise).
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create index if not exists mix_version_tracks_version_idx on mix_version_tracks (mix_version_id, position)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists mix_version_tracks_version_idx');
}
