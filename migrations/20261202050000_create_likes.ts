import type { Knex } from 'knex';

// Likes on songs and on parts: one row per (musician, target), so a repeated like inserts
// nothing; the counters beside the target move only when a row really came or went.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('post_likes', (t) => {
    t.bigInteger('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.bigInteger('post_id').notNullable().references('posts.id').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true, precision: 3 }).notNullable().defaultTo(knex.fn.now());
    t.primary(['user_id', 'post_id']);
    // Deleting a song removes its likes through this index.
    t.index(['post_id']);
  });
  // The profile's "liked" tab, newest like first, keyset on (created_at, post_id).
  await knex.raw('create index post_likes_user_newest_idx on post_likes (user_id, created_at desc, post_id desc)');

  await knex.schema.createTable('contribution_likes', (t) => {
    t.bigInteger('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.bigInteger('contribution_id').notNullable().references('contributions.id').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true, precision: 3 }).notNullable().defaultTo(knex.fn.now());
    t.primary(['user_id', 'contribution_id']);
    t.index(['contribution_id']);
  });

  await knex.schema.alterTable('contributions', (t) => {
    t.integer('likes_count').notNullable().defaultTo(0);
    t.integer('plays_count').notNullable().defaultTo(0);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('contributions', (t) => {
    t.dropColumn('likes_count');
    t.dropColumn('plays_count');
  });
  await knex.schema.dropTableIfExists('contribution_likes');
  await knex.schema.dropTableIfExists('post_likes');
}
