import type { Knex } from 'knex';

// Who is told what. One row per (recipient, kind, subject): a retried job, a double submit
// or an unlike/relike finds the row already there and inserts nothing, so each rule fires
// once. Likes share one row per liked thing and count their actors in notification_actors.
export async function up(knex: Knex): Promise<void> {
  // One digest mail per musician at most every hour; written before the mail is queued.
  await knex.schema.createTable('notification_digests', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true, precision: 3 }).notNullable().defaultTo(knex.fn.now());
    // Set once the mail transport accepted it: a retried mail job sends nothing twice.
    t.timestamp('sent_at', { useTz: true, precision: 3 });
  });
  // "Was one made in the last hour?" for one musician.
  await knex.raw('create index notification_digests_user_newest_idx on notification_digests (user_id, created_at desc)');

  await knex.schema.createTable('notifications', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('recipient_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('kind').notNullable().checkIn(['part_added', 'part_in_mix', 'new_master', 'comment', 'reply', 'follower', 'song_liked', 'part_liked']);
    // The thing the kind is about: a contribution, a mix version, a comment, the follower, the liked song or part.
    t.bigInteger('subject_id').notNullable();
    // Where it links to; a deleted song or part takes its notifications with it.
    t.bigInteger('post_id').references('posts.id').onDelete('CASCADE');
    t.bigInteger('contribution_id').references('contributions.id').onDelete('CASCADE');
    t.bigInteger('mix_version_id').references('mix_versions.id').onDelete('CASCADE');
    // Who did it (for likes: the latest liker); a deleted account leaves the others' likes counted.
    t.bigInteger('actor_id').references('users.id').onDelete('SET NULL');
    t.integer('actors_count').notNullable().defaultTo(1);
    t.timestamp('created_at', { useTz: true, precision: 3 }).notNullable().defaultTo(knex.fn.now());
    // The latest event (a new like moves the row up again): the list's order.
    t.timestamp('updated_at', { useTz: true, precision: 3 }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('read_at', { useTz: true, precision: 3 });
    t.bigInteger('digest_id').references('notification_digests.id').onDelete('SET NULL');
    t.unique(['recipient_id', 'kind', 'subject_id']);
  });
  // The /notifications page, newest first, keyset on (updated_at, id).
  await knex.raw('create index notifications_recipient_newest_idx on notifications (recipient_id, updated_at desc, id desc)');
  // The header badge on every signed-in page: only unread rows are in this index.
  await knex.raw('create index notifications_recipient_unread_idx on notifications (recipient_id) where read_at is null');
  // The digest job's candidates: unread, unmailed, of the kinds that are mailed.
  await knex.raw(`create index notifications_digest_due_idx on notifications (created_at)
    where digest_id is null and read_at is null and kind in ('part_added', 'part_in_mix', 'new_master', 'comment', 'reply', 'follower')`);
  // Deleting a digest row (an account) sets these to null through this index.
  await knex.raw('create index notifications_digest_idx on notifications (digest_id) where digest_id is not null');
  await knex.raw('create index notifications_actor_idx on notifications (actor_id) where actor_id is not null');

  // Everyone who liked the thing a grouped (like) notification is about, once each.
  await knex.schema.createTable('notification_actors', (t) => {
    t.bigInteger('notification_id').notNullable().references('notifications.id').onDelete('CASCADE');
    t.bigInteger('actor_id').notNullable().references('users.id').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true, precision: 3 }).notNullable().defaultTo(knex.fn.now());
    t.primary(['notification_id', 'actor_id']);
    t.index(['actor_id']);
  });

  // Musicians who turned the digest mail off (from settings or a mail's unsubscribe link); on by default.
  await knex.schema.createTable('digest_opt_outs', (t) => {
    t.bigInteger('user_id').primary().references('users.id').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true, precision: 3 }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('digest_opt_outs');
  await knex.schema.dropTableIfExists('notification_actors');
  await knex.schema.dropTableIfExists('notifications');
  await knex.schema.dropTableIfExists('notification_digests');
}
