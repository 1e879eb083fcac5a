import type { Knex } from 'knex';

// Issue 10: single-use links mailed to a musician (verify an address, reset a password,
// move the account to a new address). Only the sha256 of the random token is kept, so a
// leaked table or backup opens no account. `email` is the address the link went to: a link
// stops working once the account's address is no longer that one.
//
// Accounts that exist before this migration signed up when there was no verification at
// all, and have been posting since: they are marked verified, so nobody who was already
// making music is locked out of posting by a link they were never sent. From here on a new
// account starts unverified (the column's default stays false).
export async function up(knex: Knex): Promise<void> {
  await knex('users').update({ verified: true });
  await knex.schema.createTable('account_tokens', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE').index();
    t.text('purpose').notNullable().checkIn(['verify-email', 'reset-password', 'change-email']);
    t.binary('token_hash').notNullable().unique();
    t.text('email').notNullable();
    // The address the account moves to when a change-email link is followed.
    t.text('new_email');
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('account_tokens');
}
