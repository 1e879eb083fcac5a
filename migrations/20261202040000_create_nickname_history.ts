import type { Knex } from 'knex';

// Nicknames a musician gave up: /users/<old> answers 301 to their profile, and no one else may
// take an old name while its owner's account exists (links shared elsewhere must keep pointing
// at the same person). Rows go with the account (on delete cascade), freeing the names.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('nickname_history', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('nickname').notNullable();
    t.timestamp('changed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['user_id']);
  });
  await knex.raw('create unique index if not exists nickname_history_nickname_unique on nickname_history (lower(nickname))');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('nickname_history');
}
