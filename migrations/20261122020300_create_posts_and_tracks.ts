import type { Knex } from 'knex';

// A track is any audio file; a post is a song with its author track and, later, a master.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('tracks', (t) => {
    // Random ids: they name the S3 keys, which must not be guessable.
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.bigInteger('owner_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('kind').notNullable().checkIn(['author', 'contribution', 'master']);
    t.text('status').notNullable().defaultTo('processing').checkIn(['processing', 'ready', 'failed']);
    t.text('failure_reason');
    t.text('original_key').notNullable();
    t.text('original_name').notNullable();
    t.text('original_type').notNullable();
    t.bigInteger('original_bytes').notNullable();
    t.text('stream_key');
    t.text('stream_type');
    t.bigInteger('stream_bytes');
    t.text('peaks_key');
    t.integer('duration_ms');
    t.integer('channels');
    t.integer('sample_rate');
    t.text('codec');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('posts', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('author_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('title').notNullable();
    t.text('description').notNullable().defaultTo('');
    t.integer('genre_id').notNullable().references('genres.id');
    t.integer('instrument_id').notNullable().references('instruments.id');
    t.integer('bpm');
    t.text('key');
    t.uuid('author_track_id').notNullable().references('tracks.id');
    t.uuid('master_track_id').references('tracks.id').onDelete('SET NULL');
    t.integer('likes_count').notNullable().defaultTo(0);
    t.integer('contributions_count').notNullable().defaultTo(0);
    t.integer('plays_count').notNullable().defaultTo(0);
    // Millisecond precision: keyset cursors carry a JS Date, which has no microseconds.
    t.timestamp('created_at', { useTz: true, precision: 3 }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  // Keyset pagination of "newest" and of a musician's posts.
  await knex.raw('create index posts_newest_idx on posts (created_at desc, id desc)');
  await knex.raw('create index posts_author_newest_idx on posts (author_id, created_at desc, id desc)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('posts');
  await knex.schema.dropTableIfExists('tracks');
}
