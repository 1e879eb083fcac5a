import type { Knex } from 'knex';

// Direct messages. One conversation per pair of musicians (the pair stored in id order, so
// (a, b) and (b, a) are the same row); one member row per musician in it, holding what their
// inbox needs: the other musician, the last activity (the inbox's order) and their unread count
// (kept, not counted, so the header's total is one small index scan on every page).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('conversations', (t) => {
    t.bigIncrements('id');
    t.bigInteger('first_user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.bigInteger('second_user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true, precision: 3 }).notNullable().defaultTo(knex.fn.now());
    t.unique(['first_user_id', 'second_user_id'], { indexName: 'conversations_pair_key' });
  });
  await knex.raw('alter table conversations add constraint conversations_ordered_pair check (first_user_id < second_user_id)');
  // Deleting an account cascades by the second member too.
  await knex.raw('create index conversations_second_user_idx on conversations (second_user_id)');

  await knex.schema.createTable('conversation_members', (t) => {
    t.bigInteger('conversation_id').notNullable().references('conversations.id').onDelete('CASCADE');
    t.bigInteger('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.bigInteger('other_user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.timestamp('last_message_at', { useTz: true, precision: 3 }).notNullable();
    t.integer('unread_count').notNullable().defaultTo(0);
    t.timestamp('last_read_at', { useTz: true, precision: 3 });
    t.primary(['conversation_id', 'user_id']);
  });
  await knex.raw('alter table conversation_members add constraint conversation_members_unread_not_negative check (unread_count >= 0)');
  // The inbox, newest activity first, keyset on (last_message_at, conversation_id).
  await knex.raw('create index conversation_members_inbox_idx on conversation_members (user_id, last_message_at desc, conversation_id desc)');
  // The header's unread total: only the conversations with something unread.
  await knex.raw('create index conversation_members_unread_idx on conversation_members (user_id) include (other_user_id, unread_count) where unread_count > 0');
  await knex.raw('create index conversation_members_other_user_idx on conversation_members (other_user_id)');

  await knex.schema.createTable('messages', (t) => {
    t.bigIncrements('id');
    t.bigInteger('conversation_id').notNullable().references('conversations.id').onDelete('CASCADE');
    t.bigInteger('sender_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('body').notNullable();
    t.timestamp('created_at', { useTz: true, precision: 3 }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw("alter table messages add constraint messages_body_length check (char_length(body) between 1 and 2000)");
  // A conversation's page, newest first (shown oldest at the bottom), keyset on (created_at, id).
  await knex.raw('create index messages_conversation_newest_idx on messages (conversation_id, created_at desc, id desc)');
  await knex.raw('create index messages_sender_idx on messages (sender_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('messages');
  await knex.schema.dropTableIfExists('conversation_members');
  await knex.schema.dropTableIfExists('conversations');
}
