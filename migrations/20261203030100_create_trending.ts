import type { Knex } from 'knex';

// Trending songs: plays per song and clock hour (the last 7 days of them are read; older
// hours are swept), and the trending table the worker rebuilds every few minutes from likes,
// plays and new parts of the last 7 days (src/feed/trending.ts), paged on (score, post_id).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('post_play_hours', (t) => {
    t.bigInteger('post_id').notNullable().references('posts.id').onDelete('CASCADE');
    t.timestamp('hour', { useTz: true }).notNullable();
    t.integer('plays').notNullable().defaultTo(0);
    t.primary(['post_id', 'hour']);
    t.index(['hour']);
  });
  await knex.schema.createTable('trending_songs', (t) => {
    t.bigInteger('post_id').primary().references('posts.id').onDelete('CASCADE');
    t.integer('score').notNullable();
    t.integer('likes').notNullable();
    t.integer('plays').notNullable();
    t.integer('parts').notNullable();
    t.timestamp('refreshed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('create index trending_songs_score_idx on trending_songs (score desc, post_id desc)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('trending_songs');
  await knex.schema.dropTableIfExists('post_play_hours');
}
