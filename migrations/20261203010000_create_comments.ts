import type { Knex } from 'knex';

// Comments on a song (contribution_id null) or on one of its parts, optionally at a moment
// of that track (at_ms), with one level of replies (parent_id names a top-level comment).
// A top-level comment deleted while it has replies keeps its row as a placeholder
// (deleted_at set, body emptied) so the replies keep their place; any other is removed.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('comments', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('post_id').notNullable().references('posts.id').onDelete('CASCADE');
    t.bigInteger('contribution_id').references('contributions.id').onDelete('CASCADE');
    t.bigInteger('parent_id').references('comments.id').onDelete('CASCADE');
    t.bigInteger('author_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('body').notNullable();
    t.integer('at_ms');
    t.timestamp('deleted_at', { useTz: true, precision: 3 });
    t.timestamp('created_at', { useTz: true, precision: 3 }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`alter table comments
    add constraint comments_body_length check (char_length(body) <= 2000),
    add constraint comments_at_ms_positive check (at_ms is null or at_ms >= 0),
    add constraint comments_reply_untimed check (parent_id is null or at_ms is null)`);
  // The post page loads every comment of a song (its parts' too) in one query, in order.
  await knex.raw('create index comments_post_idx on comments (post_id, created_at, id)');
  // Deleting a part, a parent comment or an account finds the comments it takes along.
  await knex.raw('create index comments_contribution_idx on comments (contribution_id) where contribution_id is not null');
  await knex.raw('create index comments_parent_idx on comments (parent_id) where parent_id is not null');
  await knex.raw('create index comments_author_idx on comments (author_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('comments');
}
