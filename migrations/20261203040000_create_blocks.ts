import type { Knex } from 'knex';

// Who has blocked whom. A block stops messages both ways and hides the blocked musician's
// comments and conversations from the blocker. Checks look up the primary key (either order);
// the settings list reads the blocker's blocks newest first.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('blocks', (t) => {
    t.bigInteger('blocker_id').notNullable().references('users.id').onDelete('CASCADE');
    t.bigInteger('blocked_id').notNullable().references('users.id').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true, precision: 3 }).notNullable().defaultTo(knex.fn.now());
    t.primary(['blocker_id', 'blocked_id']);
  });
  await knex.raw('alter table blocks add constraint blocks_not_self check (blocker_id <> blocked_id)');
  await knex.raw('create index blocks_blocker_newest_idx on blocks (blocker_id, created_at desc, blocked_id desc)');
  // Deleting an account cascades here by blocked_id: without an index that is a scan per account.
  await knex.raw('create index blocks_blocked_idx on blocks (blocked_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('blocks');
}
