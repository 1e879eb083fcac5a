import type { Knex } from 'knex';

// The worker counts how often it started on a track or a master, so a file that hangs or
// crashes ffmpeg ends `failed` with a reason after JOB_MAX_ATTEMPTS instead of looping.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tracks', (t) => {
    t.integer('attempts').notNullable().defaultTo(0);
  });
  await knex.schema.alterTable('mix_versions', (t) => {
    t.integer('attempts').notNullable().defaultTo(0);
    // When the last attempt started: the sweep re-sends a version only after its job expired.
    t.timestamp('attempted_at', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('mix_versions', (t) => {
    t.dropColumn('attempted_at');
    t.dropColumn('attempts');
  });
  await knex.schema.alterTable('tracks', (t) => t.dropColumn('attempts'));
}
