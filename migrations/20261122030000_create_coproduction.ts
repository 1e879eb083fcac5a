import type { Knex } from 'knex';

// Co-production: contributions on posts, what the worker learns about each track, and mix
// versions (an immutable recipe plus the master it renders).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tracks', (t) => {
    t.float('loudness_lufs');
    t.float('true_peak_db');
    t.float('clipped_seconds');
    // Problems shown to the uploader: [{ code, message }].
    t.jsonb('warnings').notNullable().defaultTo('[]');
    t.timestamp('processed_at', { useTz: true });
  });

  await knex.schema.createTable('contributions', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('post_id').notNullable().references('posts.id').onDelete('CASCADE');
    t.bigInteger('contributor_id').notNullable().references('users.id').onDelete('CASCADE');
    t.uuid('track_id').notNullable().unique().references('tracks.id');
    t.integer('instrument_id').notNullable().references('instruments.id');
    t.text('note').notNullable().defaultTo('');
    t.boolean('included').notNullable().defaultTo(false);
    t.timestamp('created_at', { useTz: true, precision: 3 }).notNullable().defaultTo(knex.fn.now());
    t.index(['post_id', 'created_at']);
    t.index(['contributor_id', 'created_at']);
  });

  await knex.schema.createTable('mix_versions', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('post_id').notNullable().references('posts.id').onDelete('CASCADE');
    t.integer('number').notNullable();
    t.bigInteger('created_by').references('users.id').onDelete('SET NULL');
    t.text('status').notNullable().defaultTo('rendering').checkIn(['rendering', 'ready', 'failed']);
    t.text('failure_reason');
    t.uuid('master_track_id').references('tracks.id').onDelete('SET NULL');
    t.float('loudness_lufs');
    t.float('true_peak_db');
    t.timestamp('created_at', { useTz: true, precision: 3 }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('rendered_at', { useTz: true });
    t.unique(['post_id', 'number']);
  });

  // The recipe: one row per track in the version, with names kept as they were then,
  // so credits and history survive a deleted contribution.
  await knex.schema.createTable('mix_version_tracks', (t) => {
    t.bigInteger('mix_version_id').notNullable().references('mix_versions.id').onDelete('CASCADE');
    t.uuid('track_id').references('tracks.id').onDelete('SET NULL');
    t.bigInteger('contribution_id').references('contributions.id').onDelete('SET NULL');
    t.text('role').notNullable().checkIn(['author', 'contribution']);
    t.text('musician').notNullable();
    t.text('instrument').notNullable();
    t.float('gain_db').notNullable().defaultTo(0);
    t.float('pan').notNullable().defaultTo(0);
    t.boolean('muted').notNullable().defaultTo(false);
    t.integer('position').notNullable();
    t.index(['track_id']);
  });

  await knex.schema.alterTable('posts', (t) => {
    // The version listeners hear; its master is copied to posts.master_track_id.
    t.bigInteger('current_mix_version_id').references('mix_versions.id').onDelete('SET NULL');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('posts', (t) => t.dropColumn('current_mix_version_id'));
  await knex.schema.dropTableIfExists('mix_version_tracks');
  await knex.schema.dropTableIfExists('mix_versions');
  await knex.schema.dropTableIfExists('contributions');
  await knex.schema.alterTable('tracks', (t) => {
    for (const c of ['loudness_lufs', 'true_peak_db', 'clipped_seconds', 'warnings', 'processed_at']) t.dropColumn(c);
  });
}
