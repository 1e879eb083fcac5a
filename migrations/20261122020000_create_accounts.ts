import type { Knex } from 'knex';

// Users and their sessions (connect-pg-simple's table layout).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (t) => {
    t.bigIncrements('id').primary();
    t.text('email').notNullable();
    t.text('nickname').notNullable();
    t.text('password_hash').notNullable();
    t.text('bio').notNullable().defaultTo('');
    t.boolean('verified').notNullable().defaultTo(false);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  // Case-insensitive uniqueness: "Alice" and "alice" are the same handle.
  await knex.raw('create unique index users_email_unique on users (lower(email))');
  await knex.raw('create unique index users_nickname_unique on users (lower(nickname))');

  await knex.schema.createTable('sessions', (t) => {
    t.string('sid').primary();
    t.json('sess').notNullable();
    t.timestamp('expire', { precision: 6 }).notNullable().index('sessions_expire_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('sessions');
  await knex.schema.dropTableIfExists('users');
}
