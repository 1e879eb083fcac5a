import type { Knex } from 'knex';

// Who follows whom. Counts are counted (index-only scans on the two indexes), not kept.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('follows', (t) => {
    t.bigInteger('follower_id').notNullable().references('users.id').onDelete('CASCADE');
    t.bigInteger('followed_id').notNullable().references('users.id').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true, precision: 3 }).notNullable().defaultTo(knex.fn.now());
    t.primary(['follower_id', 'followed_id']);
  });
  await knex.raw('alter table follows add constraint follows_not_self check (follower_id <> followed_id)');
  // The "following" and "followers" tabs, newest first, keyset on (created_at, the other user's id).
  await knex.raw('create index follows_following_newest_idx on follows (follower_id, created_at desc, followed_id desc)');
  await knex.raw('create index follows_followers_newest_idx on follows (followed_id, created_at desc, follower_id desc)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('follows');
}
